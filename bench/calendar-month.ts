// The calendar's server time for one busy month: a client with N posts (two accounts each)
// in March 2027, beside noise (other clients of the agency, other agencies, other months),
// measured through listCalendarEntries for that client and for all the agency's clients.
//
//   pnpm tsx bench/calendar-month.ts [posts=1000] [runs=40]
//
// Prints the plan of the per-client query (EXPLAIN ANALYZE) and then the figures.
import { createDb } from '@herald/db';
import { listCalendarEntries } from '../packages/core/src/services/calendar.ts';
import type { Actor } from '../packages/core/src/services/actor.ts';
import pg from 'pg';
import { scratchDatabase } from './support.ts';

const [posts = 1_000, runs = 40] = process.argv.slice(2).map((arg) => Number(arg));
const MONTH = { from: new Date('2027-03-01T05:00:00Z'), to: new Date('2027-04-01T04:00:00Z') };

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * `orgs` agencies, each with `clients` clients of two accounts; every client gets `perClient`
 * posts on both accounts spread over 2027, and the first client of the first agency also
 * `busy` posts in March. Set-based: one statement each.
 */
async function seed(url: string, busy: number) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query(`INSERT INTO organizations (name, slug)
                   SELECT 'Agency ' || g, 'agency-' || g FROM generate_series(1, 20) g`);
    await c.query(`INSERT INTO clients (organization_id, name, timezone)
                   SELECT o.id, o.name || ' client ' || g, 'America/New_York'
                   FROM organizations o, generate_series(1, 10) g`);
    await c.query(`INSERT INTO social_accounts (organization_id, client_id, platform, external_id,
                     handle, access_token_encrypted, updated_at)
                   SELECT c.organization_id, c.id, p.platform::platform, c.id || p.platform,
                          '@' || p.platform || left(c.id::text, 6), 'unused', now()
                   FROM clients c, (VALUES ('facebook'), ('x')) p(platform)`);
    // Noise: 100 posts per client over the year (20,000 posts, 40,000 targets).
    await c.query(`INSERT INTO posts (organization_id, client_id, caption, updated_at, created_at)
                   SELECT c.organization_id, c.id,
                          'Noise ' || g || ' ' || (timestamptz '2027-01-01' + g * interval '3 days 7 hours'),
                          now(), now()
                   FROM clients c, generate_series(1, 100) g`);
    // The busy client: the first agency's first client, N posts in March.
    await c.query(
      `INSERT INTO posts (organization_id, client_id, caption, updated_at)
       SELECT c.organization_id, c.id,
              'Busy ' || g || ' ' || (timestamptz '2027-03-01 05:00Z' + (g * 2677) * interval '1 second'),
              now()
       FROM (SELECT * FROM clients ORDER BY name LIMIT 1) c, generate_series(1, $1::int) g`,
      [busy],
    );
    await c.query(`INSERT INTO post_targets (organization_id, post_id, social_account_id,
                     scheduled_for, scheduled_timezone, status, updated_at)
                   SELECT p.organization_id, p.id, a.id,
                          substring(p.caption from '^\\w+ \\d+ (.*)$')::timestamptz,
                          'America/New_York', 'scheduled', now()
                   FROM posts p JOIN social_accounts a ON a.client_id = p.client_id`);
    await c.query('COMMIT');
    await c.query('ANALYZE');
    const busyClient = await c.query<{ id: string; organization_id: string }>(
      `SELECT id, organization_id FROM clients ORDER BY name LIMIT 1`,
    );
    const counts = await c.query<{ posts: string; targets: string }>(
      `SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM post_targets) AS targets`,
    );
    return { ...busyClient.rows[0]!, ...counts.rows[0]! };
  } finally {
    await c.end();
  }
}

/** The plan Postgres picks for the per-client month (the query Prisma sends, in SQL). */
async function explain(url: string, clientId: string, organizationId: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const plan = await c.query(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
       SELECT t.id, t.post_id, t.status, t.scheduled_for, p.caption, cl.name, a.handle
       FROM post_targets t
       JOIN posts p ON p.id = t.post_id
       JOIN clients cl ON cl.id = p.client_id
       JOIN social_accounts a ON a.id = t.social_account_id
       WHERE t.organization_id = $1 AND t.scheduled_for >= $2 AND t.scheduled_for < $3
         AND p.client_id = $4
       ORDER BY t.scheduled_for, t.id`,
      [organizationId, MONTH.from, MONTH.to, clientId],
    );
    return plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  } finally {
    await c.end();
  }
}

async function time(fn: () => Promise<unknown>) {
  await fn(); // warm-up: the first call pays for connecting and Prisma's start.
  const samples: number[] = [];
  let entries = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = (await fn()) as unknown[];
    samples.push(performance.now() - start);
    entries = result.length;
  }
  samples.sort((a, b) => a - b);
  return { entries, median: percentile(samples, 50), p95: percentile(samples, 95) };
}

const database = await scratchDatabase();
try {
  const seeded = await seed(database.url, posts);
  const db = createDb(database.url, { max: 2 });
  const actor: Actor = { userId: 'bench', organizationId: seeded.organization_id, role: 'owner' };
  const plan = await explain(database.url, seeded.id, seeded.organization_id);
  const oneClient = await time(() =>
    listCalendarEntries(db, actor, { ...MONTH, clientId: seeded.id }),
  );
  const allClients = await time(() => listCalendarEntries(db, actor, MONTH));
  await db.$disconnect();
  const line = (name: string, r: typeof oneClient) =>
    `${name.padEnd(26)} ${String(r.entries).padStart(5)} entries  median ${r.median.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms`;
  console.log(
    [
      plan,
      '',
      `${seeded.posts} posts, ${seeded.targets} targets in the database; ${posts} posts (two accounts each) in the busy client's March; ${runs} runs each`,
      line('busy client, March', oneClient),
      line('all clients of the agency', allClients),
    ].join('\n'),
  );
} finally {
  await database.drop();
}
