// One lint setup for the whole repository (run from the root: `pnpm lint`).
// Type-aware: every TypeScript file is checked with its package's tsconfig (projectService).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Package boundaries (ARCHITECTURE.md): the dependency arrows point one way only. */
const noApps = {
  group: ['@herald/web', '@herald/web/*', '@herald/worker', '@herald/worker/*', '**/apps/**'],
  message: 'Nothing imports an app: move shared code into a package.',
};
const noDatabase = {
  group: ['@herald/db', '@herald/db/*', '@prisma/*', 'pg', '**/services/**', '**/generated/**'],
  message:
    'core/domain and core/providers never touch the database: services hand them what they need.',
};
const noSandbox = {
  group: ['@herald/sandbox', '@herald/sandbox/*'],
  message: 'The sandbox is reached over HTTP like any platform; only tests import it.',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/build/**',
      '**/.react-router/**',
      '**/.turbo/**',
      '.data/**',
      'packages/db/src/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read process.env only in the env.ts of an app or package.',
        },
      ],
      // React Router's idiom: loaders and actions throw redirect()/data() responses.
      '@typescript-eslint/only-throw-error': [
        'error',
        {
          allow: [
            { from: 'lib', name: 'Response' },
            { from: 'package', package: 'react-router', name: 'DataWithResponseInit' },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript and the root's tool configs belong to no package's tsconfig.
    files: ['**/*.js', '**/*.mjs', '*.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Vitest's asymmetric matchers (expect.any, expect.stringMatching) are typed `any`.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // The places allowed to read the environment, plus tool configs and tests.
    files: [
      '**/env.ts',
      '**/env.server.ts',
      '*.config.ts',
      '**/*.config.ts',
      '**/*.test.ts',
      'packages/db/scripts/**',
      'packages/db/src/testing/**',
      'scripts/bundle-node.mjs',
      'apps/web/server.mjs',
      '**/e2e/support/**',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'apps/web/app/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noApps, noSandbox] }] },
  },
  {
    // Later blocks win: the core's inner rooms get the stricter list.
    files: ['packages/core/src/domain/**/*.ts', 'packages/core/src/providers/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noApps, noDatabase, noSandbox] }] },
  },
  {
    files: ['apps/web/app/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);
