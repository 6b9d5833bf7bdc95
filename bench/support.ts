// What every benchmark needs: a scratch database on the configured server, the sandbox and
// workers as their own processes (as in production: they must not share the bench's CPU).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { JOB_DUE_CHANNEL } from '@herald/db';
import { migrate } from '@herald/db/migrate';
import pg from 'pg';
import { inheritedEnv, loadBenchEnv } from './env.ts';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const adminUrl = loadBenchEnv().DATABASE_URL;

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `herald_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const parsed = new URL(adminUrl);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  await migrate(url);
  return { url, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface BenchProcess {
  child: ChildProcess;
  /** Resolves with the first match of `pattern` in the process's output. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  stop(): void;
  kill(): Promise<void>;
}

/** `node --import tsx <entry>` from the repository root, with its output watched. */
export function startTs(entry: string, env: Record<string, string>): BenchProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot,
    env: { ...inheritedEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = '';
  const watchers = new Set<() => void>();
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.length > 100_000) seen = seen.slice(-50_000);
      for (const watcher of watchers) watcher();
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(seen);
          if (!match) return;
          watchers.delete(check);
          resolve(match);
        };
        watchers.add(check);
        check();
        void exited.then(() =>
          reject(new Error(`${entry} exited before printing ${pattern}:\n${seen}`)),
        );
      }),
    stop: () => void child.kill('SIGTERM'),
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The sandbox as its own process; `url` is where it listens. */
export async function startSandboxProcess(latencyMs = 0) {
  const sandbox = startTs('packages/sandbox/src/main.ts', {
    PORT: '0',
    LATENCY_MS: String(latencyMs),
  });
  const [, url] = await sandbox.waitFor(/listening on (http:\/\/\S+)/);
  return { ...sandbox, url: url! };
}

export const quiet = () => () => {};

/**
 * `count` targets over the demo Pages, due at random instants from `leadMs` to
 * `leadMs + spreadMs` from now, each with its publish job, announced as enqueuePublish does
 * (set-based: scheduling thousands one by one would take longer than the spread).
 */
export async function scheduleTargets(
  url: string,
  { count, leadMs, spreadMs }: { count: number; leadMs: number; spreadMs: number },
) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `WITH accounts AS (
         SELECT id, organization_id, client_id, row_number() OVER (ORDER BY id) - 1 AS i,
                count(*) OVER () AS total FROM social_accounts
         -- The demo Pages: the benches measure the engine against Facebook's emulation.
         WHERE platform = 'facebook'),
       due AS (
         SELECT g, now() + make_interval(secs => ($2::int + random() * $3::int) / 1000.0) AS at
         FROM generate_series(1, $1::int) g),
       posts AS (
         INSERT INTO posts (organization_id, client_id, caption, updated_at)
         SELECT a.organization_id, a.client_id, 'Bench post ' || due.g || ' ' || due.at, now()
         FROM due JOIN accounts a ON a.i = due.g % a.total
         RETURNING id, organization_id, caption)
       INSERT INTO post_targets (organization_id, post_id, social_account_id, scheduled_for,
                                 scheduled_timezone, updated_at)
       SELECT p.organization_id, p.id, a.id,
              substring(p.caption from '^Bench post \\d+ (.*)$')::timestamptz, 'UTC', now()
       FROM posts p JOIN accounts a
         ON a.i = substring(p.caption from '^Bench post (\\d+)')::int % a.total`,
      [count, leadMs, spreadMs],
    );
    // What enqueuePublish does for each: the job, and the announcement of its due time.
    await client.query(
      `SELECT graphile_worker.add_job('publish_target', json_build_object('targetId', id),
                run_at := scheduled_for, job_key := 'publish:' || id),
              pg_notify($1, (extract(epoch FROM scheduled_for) * 1000)::bigint::text)
       FROM post_targets`,
      [JOB_DUE_CHANNEL],
    );
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
