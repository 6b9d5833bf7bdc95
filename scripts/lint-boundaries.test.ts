// The package boundaries of ARCHITECTURE.md are lint rules, not conventions: this proves the
// rules fire, so a config change that silently drops them fails here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The restricted-import messages ESLint reports for `source` as if it lived at `file`. */
async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

const importing = (specifier: string) =>
  `import * as probe from '${specifier}';\nexport const used = probe;\n`;

describe('package boundaries', () => {
  it.each([
    ['packages/core/src/domain/platforms.ts', '@herald/db'],
    ['packages/core/src/domain/platforms.ts', '@prisma/client'],
    ['packages/core/src/domain/platforms.ts', '../services/posts.ts'],
    ['packages/core/src/providers/registry.ts', '@herald/db'],
    ['packages/core/src/providers/registry.ts', 'pg'],
    ['packages/core/src/services/posts.ts', '@herald/sandbox'],
    ['packages/api/src/trpc.ts', '@herald/web'],
    ['packages/core/src/services/posts.ts', '../../../../apps/worker/src/env.ts'],
  ])('%s may not import %s', async (file, specifier) => {
    expect(await restrictedImports(file, importing(specifier))).toHaveLength(1);
  });

  it.each([
    ['packages/core/src/services/posts.ts', '@herald/db'],
    ['packages/core/src/domain/platforms.ts', './target-status.ts'],
    ['packages/core/src/providers/facebook/adapter.test.ts', '@herald/sandbox'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await restrictedImports(file, importing(specifier))).toEqual([]);
  });
});
