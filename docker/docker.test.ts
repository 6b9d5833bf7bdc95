// No Docker engine runs where we develop, so the images are checked by reading: every file
// a container runs must be one the build produces, every variable an app requires must be
// set, and the versions must match the repository's.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MigrateEnv, SeedEnv, WorkerEnv } from '../apps/worker/src/env.ts';
import { WebEnv } from '../apps/web/app/env.server.ts';
import { SandboxEnv } from '../packages/sandbox/src/env.ts';
import type { z } from 'zod';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');
interface PackageJson {
  packageManager?: string;
  scripts: Record<string, string>;
  files?: string[];
  dependencies?: Record<string, string>;
}
const json = (path: string) => JSON.parse(read(path)) as PackageJson;

const dockerfile = read('docker/Dockerfile');
const compose = parse(read('docker/compose.yaml')) as {
  services: Record<
    string,
    {
      build?: { target: string };
      image?: string;
      command?: string[];
      environment?: Record<string, string>;
      depends_on?: Record<string, { condition: string }>;
      volumes?: string[];
      ports?: string[];
      network_mode?: string;
    }
  >;
};

function stage(name: string): string {
  const match = new RegExp(
    `^FROM [^\\n]+ AS ${name}\\n([\\s\\S]*?)(?=^FROM |$(?![\\s\\S]))`,
    'm',
  ).exec(dockerfile);
  if (!match) throw new Error(`no stage ${name}`);
  return match[1]!;
}

/** Each stage's base, by stage name (`FROM <base> AS <name>`). */
const bases = new Map(
  [...dockerfile.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => [m[2]!, m[1]!] as const),
);

/** A target and the stages of this file it is built on, nearest first. */
function stagesOf(name: string): string[] {
  const chain = [name];
  for (let base = bases.get(name); base && bases.has(base); base = bases.get(base)) {
    chain.push(base);
  }
  return chain;
}

function cmdOf(stageText: string): string[] {
  const match = /^CMD (\[.*\])$/m.exec(stageText);
  if (!match) throw new Error('no CMD');
  return JSON.parse(match[1]!) as string[];
}

/** Third-party package names a bundle imports, statically or dynamically. */
function importedPackages(bundle: string): string[] {
  const specifiers = [...bundle.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"'./][^"']*)["']/g)]
    .map((m) => m[1]!)
    .filter((s) => !s.startsWith('node:') && !builtinModules.includes(s.split('/')[0]!));
  const names = specifiers.map((s) =>
    s
      .split('/')
      .slice(0, s.startsWith('@') ? 2 : 1)
      .join('/'),
  );
  return [...new Set(names)].sort();
}

/** Variables a schema requires (no default, not optional). */
function requiredKeys(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([key]) => key);
}

describe('docker/Dockerfile', () => {
  it('uses the Node major of .nvmrc and the pnpm of packageManager', () => {
    expect(dockerfile).toContain(`ARG NODE_VERSION=${read('.nvmrc').trim()}`);
    expect(`pnpm@${/ARG PNPM_VERSION=(\S+)/.exec(dockerfile)![1]}`).toBe(
      json('package.json').packageManager,
    );
    expect(dockerfile).toContain(
      `ARG TURBO_VERSION=${/turbo: (\S+)/.exec(read('pnpm-workspace.yaml'))![1]}`,
    );
  });

  it('runs every image as the unprivileged node user, in production mode', () => {
    const runtime = stage('runtime');
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
    for (const target of ['web', 'worker', 'sandbox']) {
      const chain = stagesOf(target);
      expect(chain.at(-1)).toBe('runtime');
      // The last USER the image's stages set, read from the base outwards.
      const users = chain
        .slice()
        .reverse()
        .flatMap((name) => [...stage(name).matchAll(/^USER (\S+)$/gm)].map((m) => m[1]));
      expect(users.at(-1), target).toBe('node');
    }
  });

  it("installs Debian's ffmpeg (ffmpeg and ffprobe) in the web and worker images only", () => {
    const installs = (name: string) =>
      stage(name).includes('apt-get install -y --no-install-recommends ffmpeg') &&
      stage(name).includes('rm -rf /var/lib/apt/lists/*');
    const hasFfmpeg = (target: string) => stagesOf(target).some(installs);
    expect(hasFfmpeg('web')).toBe(true);
    expect(hasFfmpeg('worker')).toBe(true);
    expect(hasFfmpeg('sandbox')).toBe(false);
  });

  it('ships only production dependencies', () => {
    for (const app of ['@herald/web', '@herald/worker', '@herald/sandbox']) {
      expect(dockerfile).toContain(`pnpm --filter ${app} deploy --legacy --prod`);
    }
  });

  it('starts files that the build scripts produce and that deploy keeps', () => {
    const worker = json('apps/worker/package.json');
    const sandbox = json('packages/sandbox/package.json');
    const web = json('apps/web/package.json');
    expect(cmdOf(stage('worker'))).toEqual(['node', 'dist/main.js']);
    expect(worker.scripts.build).toContain('dist/main.js');
    expect(worker.files).toContain('dist');
    expect(cmdOf(stage('sandbox'))).toEqual(['node', 'dist/main.js']);
    expect(sandbox.scripts.build).toContain('dist/main.js');
    expect(sandbox.files).toContain('dist');
    const webCmd = cmdOf(stage('web'));
    expect(webCmd).toEqual(['node', 'server.mjs']);
    expect(web.scripts.start).toBe('node server.mjs');
    expect(web.scripts.build).toBe('react-router build');
    expect(web.files).toEqual(expect.arrayContaining(['build', 'server.mjs']));
  });

  it("finds every package a bundle imports among that app's production dependencies", () => {
    // Workspace code is bundled in; anything else a bundle imports must survive `deploy --prod`.
    const bundles = {
      'apps/web': ['build/server/index.js', 'server.mjs'],
      'apps/worker': ['dist/main.js', 'dist/migrate.js', 'dist/seed.js'],
      'packages/sandbox': ['dist/main.js'],
    };
    for (const [app, files] of Object.entries(bundles)) {
      const dependencies = Object.keys(json(`${app}/package.json`).dependencies ?? {});
      for (const file of files) {
        if (!existsSync(`${root}${app}/${file}`)) {
          throw new Error(`${app}/${file} is missing: pnpm test builds it (turbo run build)`);
        }
        const missing = importedPackages(read(`${app}/${file}`)).filter(
          (name) => !dependencies.includes(name),
        );
        expect(missing, `${app}/${file}`).toEqual([]);
      }
    }
  });

  it('copies the migrations where the migrate entry looks for them', () => {
    expect(stage('worker')).toContain(
      'COPY --from=build --chown=node:node /repo/prisma/migrations ./prisma/migrations',
    );
    expect(stage('worker')).toContain('ENV MIGRATIONS_DIR=/app/prisma/migrations');
  });

  it("exposes the worker's health server on the port it listens on, and probes /healthz", () => {
    const worker = stage('worker');
    const port = /^ENV WORKER_HEALTH_PORT=(\d+)$/m.exec(worker)?.[1];
    expect(port).toBeDefined();
    expect(worker).toMatch(new RegExp(`^EXPOSE ${port}$`, 'm'));
    expect(worker).toMatch(/^HEALTHCHECK .*process\.env\.WORKER_HEALTH_PORT\+'\/healthz'/m);
    const parsed = WorkerEnv.safeParse({
      DATABASE_URL: 'postgresql://x',
      TOKEN_ENCRYPTION_KEY: 'x',
      WORKER_HEALTH_PORT: port,
    });
    expect(parsed.success && parsed.data.WORKER_HEALTH_PORT).toBe(Number(port));
    expect(json('apps/worker/package.json').scripts.build).toContain('dist/migrate.js');
  });
});

describe('docker/compose.yaml', () => {
  const services = compose.services;

  it('runs postgres, a one-shot migrate, web, worker and sandbox', () => {
    expect(Object.keys(services).sort()).toEqual([
      'migrate',
      'postgres',
      'sandbox',
      'web',
      'worker',
    ]);
    expect(services.migrate!.command!.join(' ')).toContain('node dist/migrate.js');
    for (const app of ['web', 'worker']) {
      expect(services[app]!.depends_on!.migrate!.condition).toBe('service_completed_successfully');
    }
  });

  it('builds each service from a real Dockerfile target', () => {
    const targets = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    for (const service of Object.values(services)) {
      if (service.build) expect(targets).toContain(service.build.target);
    }
    expect(services.worker!.image).toBe(services.migrate!.image);
  });

  it("sets every variable each app's env.ts requires", () => {
    const has = (service: string, keys: string[]) =>
      expect(keys.filter((k) => !(k in (services[service]!.environment ?? {})))).toEqual([]);
    has('worker', requiredKeys(WorkerEnv));
    has('migrate', [...requiredKeys(MigrateEnv), ...requiredKeys(SeedEnv)]);
    has('web', requiredKeys(WebEnv));
    has('sandbox', requiredKeys(SandboxEnv));
    expect(services.worker!.environment!.FACEBOOK_GRAPH_URL).toBe('http://web:4010/facebook');
  });

  it('shares one media store and one signing key between web and worker, at one public URL', () => {
    const media = (app: string) => {
      const env = services[app]!.environment!;
      return [env.MEDIA_DIR, env.MEDIA_SIGNING_KEY, env.PUBLIC_URL];
    };
    expect(media('worker')).toEqual(media('web'));
    expect(media('web')[2]).toBe('http://localhost:3000');
    for (const app of ['web', 'worker']) {
      expect(services[app]!.volumes).toContain(
        `media-data:${services[app]!.environment!.MEDIA_DIR}`,
      );
    }
    // The sandbox fetches media URLs as a platform would: localhost:3000 must be the web app.
    expect(services.sandbox!.network_mode).toBe('service:web');
    expect(services.web!.ports).toContain('4010:4010');
  });

  it('keeps the session cookie Secure (production mode, no override)', () => {
    // http://localhost is a secure context; apps/web/e2e/sign-in.test.ts shows Chromium keeps
    // the Secure cookie there, so the demo needs no SESSION_COOKIE_SECURE=false.
    expect(services.web!.environment).not.toHaveProperty('SESSION_COOKIE_SECURE');
  });
});
