// The tRPC endpoint over real HTTP semantics (the fetch adapter the web app mounts): batch
// limits, per-caller rate limits with Retry-After, and what an unexpected error shows.
import { signIn } from '@herald/core';
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrpcHandler } from './http.ts';
import { MAX_BATCH_SIZE } from './shared.ts';
import { createCallRateLimiter } from './rate-limit.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

const ENDPOINT = '/api/trpc';

/** A GET batch of `count` clients.list calls, as httpBatchLink sends it. */
function batchOf(count: number, cookie: string | null): Request {
  const paths = Array.from({ length: count }, () => 'clients.list').join(',');
  const input = JSON.stringify(
    Object.fromEntries(Array.from({ length: count }, (_, i) => [i, {}])),
  );
  const url = `http://herald.test${ENDPOINT}/${paths}?batch=1&input=${encodeURIComponent(input)}`;
  return new Request(url, { headers: cookie ? { cookie } : {} });
}

describe('the tRPC HTTP endpoint', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let cookie: string;
  let otherCookie: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    const other = await createAgency(t.db);
    const session = await signIn(t.db, { email: agency.email, password: agency.password });
    const otherSession = await signIn(t.db, { email: other.email, password: other.password });
    cookie = `${SESSION_COOKIE}=${session!.token}`;
    otherCookie = `${SESSION_COOKIE}=${otherSession!.token}`;
  });
  afterAll(() => t.drop());

  it('answers a batch larger than the limit with a clean 400', async () => {
    const handle = createTrpcHandler({ endpoint: ENDPOINT, db: t.db });
    const ok = await handle(batchOf(MAX_BATCH_SIZE, cookie));
    expect(ok.status).toBe(200);

    const tooMany = await handle(batchOf(538, cookie));
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain('Batch call exceeds maximum size');
  });

  it('rate-limits every call of a batch per session, with Retry-After', async () => {
    const rateLimiter = createCallRateLimiter({ points: 3, durationSeconds: 60 });
    const handle = createTrpcHandler({ endpoint: ENDPOINT, db: t.db, rateLimiter });

    // Three calls are allowed; a batch of four spends them and the fourth is refused.
    const batch = await handle(batchOf(4, cookie));
    const results = (await batch.json()) as { error?: { json: { data: { code: string } } } }[];
    expect(results.map((r) => r.error?.json.data.code ?? 'OK')).toEqual([
      'OK',
      'OK',
      'OK',
      'TOO_MANY_REQUESTS',
    ]);

    const refused = await handle(batchOf(1, cookie));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // Another session has its own budget; signed-out callers share the address bucket.
    expect((await handle(batchOf(1, otherCookie))).status).toBe(200);
    expect((await handle(batchOf(3, null), { clientAddress: '203.0.113.9' })).status).toBe(401);
    expect((await handle(batchOf(1, null), { clientAddress: '203.0.113.9' })).status).toBe(429);
    expect((await handle(batchOf(1, null), { clientAddress: '203.0.113.10' })).status).toBe(401);
  });

  it('answers an unexpected error with a generic sentence and a reference, details only in the log', async () => {
    const logged: { line: string; error: unknown }[] = [];
    const handle = createTrpcHandler({
      endpoint: ENDPOINT,
      db: t.db,
      logError: (line, error) => logged.push({ line, error }),
    });
    // A real database failure: Prisma's message names the query, the table and Postgres' code.
    await t.db.$executeRawUnsafe('ALTER TABLE clients RENAME TO clients_gone');
    try {
      const response = await handle(batchOf(1, cookie));
      expect(response.status).toBe(500);
      const body = await response.text();
      const [result] = JSON.parse(body) as {
        error: { json: { message: string; data: { reference: string } & Record<string, unknown> } };
      }[];
      const reference = result!.error.json.data.reference;
      expect(reference).toMatch(/^[0-9a-f]{8}$/);
      expect(result!.error.json.message).toBe(
        `Something went wrong on our side. Quote reference ${reference} if you contact support.`,
      );
      expect(result!.error.json.data).not.toHaveProperty('stack');
      expect(body).not.toMatch(/prisma|invocation|relation|does not exist|\.ts:/i);

      expect(logged).toHaveLength(1);
      expect(logged[0]!.line).toContain(`reference ${reference}`);
      expect(logged[0]!.line).toContain('clients.list');
      expect(String(logged[0]!.error)).toMatch(/clients/);
    } finally {
      await t.db.$executeRawUnsafe('ALTER TABLE clients_gone RENAME TO clients');
    }
  });
});
