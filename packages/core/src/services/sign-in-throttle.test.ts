import { randomBytes } from 'node:crypto';
import { createAgency, createTestDatabase, type TestDatabase } from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSession } from './auth.ts';
import { attemptSignIn, type SignInDeps, type SignInOutcome } from './sign-in-throttle.ts';

describe('throttled sign-in', () => {
  let t: TestDatabase;
  let deps: SignInDeps;
  const log: string[] = [];
  beforeAll(async () => {
    t = await createTestDatabase();
    deps = { db: t.db, log: (line) => log.push(line) };
  });
  afterAll(async () => {
    await t.drop();
  });

  const client = () => `203.0.113.${randomBytes(1)[0]}-${randomBytes(4).toString('hex')}`;
  const attempts = async (n: number, email: string, password: string, clientKey = client()) => {
    const outcomes: SignInOutcome[] = [];
    for (let i = 0; i < n; i++) {
      outcomes.push(await attemptSignIn(deps, { email, password, clientKey }));
    }
    return outcomes;
  };
  /** Ends the current blocks, as the passing of time would. */
  const endBlocks = () =>
    t.db.rateLimit.updateMany({
      where: { key: { startsWith: 'sign_in_block_' } },
      data: { expire: new Date(Date.now() - 1000) },
    });

  it('refuses the fifth wrong password for an account, and then even the right one', async () => {
    const agency = await createAgency(t.db);
    const outcomes = await attempts(5, agency.email, 'wrong');
    expect(outcomes.slice(0, 4)).toEqual(Array(4).fill({ outcome: 'invalid' }));
    expect(outcomes[4]).toEqual({
      outcome: 'throttled',
      retryAfterSeconds: 60,
      message: 'Too many sign-in attempts. Try again in 1 minute.',
    });
    const right = await attemptSignIn(deps, {
      email: agency.email.toUpperCase(),
      password: agency.password,
      clientKey: client(),
    });
    expect(right).toMatchObject({ outcome: 'throttled' });
  });

  it('answers an unknown email exactly as it answers an existing one', async () => {
    const agency = await createAgency(t.db);
    const known = await attempts(7, agency.email, 'wrong');
    const unknown = await attempts(7, `nobody-${randomBytes(4).toString('hex')}@agency.test`, 'x');
    // Seconds left on a running block depend on the wall clock; the sentence does not.
    const seen = (outcomes: SignInOutcome[]) =>
      outcomes.map((o) => (o.outcome === 'throttled' ? o.message : o.outcome));
    expect(seen(unknown)).toEqual(seen(known));
    expect(seen(known)).toEqual([
      ...Array(4).fill('invalid'),
      ...Array(3).fill('Too many sign-in attempts. Try again in 1 minute.'),
    ]);
    expect(unknown.at(-1)).toMatchObject({ outcome: 'throttled' });
  });

  it('doubles the block with each failure after one ends', async () => {
    const agency = await createAgency(t.db);
    await attempts(5, agency.email, 'wrong');
    await endBlocks();
    expect(await attempts(1, agency.email, 'wrong')).toMatchObject([
      { outcome: 'throttled', retryAfterSeconds: 120 },
    ]);
    await endBlocks();
    expect(await attempts(1, agency.email, 'wrong')).toMatchObject([
      { outcome: 'throttled', retryAfterSeconds: 240, message: /Try again in 4 minutes\.$/ },
    ]);
  });

  it('forgets earlier failures once the member signs in', async () => {
    const agency = await createAgency(t.db);
    await attempts(4, agency.email, 'wrong');
    const [ok] = await attempts(1, agency.email, agency.password);
    expect(ok).toMatchObject({ outcome: 'signed_in' });
    expect(await attempts(4, agency.email, 'wrong')).toEqual(Array(4).fill({ outcome: 'invalid' }));
  });

  it('records a lockout in the activity log of the account’s organization and in the server log', async () => {
    const agency = await createAgency(t.db);
    const clientKey = client();
    await attempts(5, agency.email, 'wrong', clientKey);
    const events = await t.db.activityEvent.findMany({
      where: { organizationId: agency.organizationId, action: 'user.sign_in_locked' },
    });
    expect(events).toMatchObject([
      {
        subjectType: 'user',
        subjectId: agency.userId,
        actorUserId: null,
        data: { failures: 5, blockedForSeconds: 60, client: clientKey },
      },
    ]);
    expect(log).toContainEqual(
      `sign-in: account "${agency.email}" blocked for 60 s after 5 failures (client "${clientKey}")`,
    );

    const unknown = `nobody-${randomBytes(4).toString('hex')}@agency.test`;
    const before = await t.db.activityEvent.count();
    await attempts(5, unknown, 'wrong', clientKey);
    expect(await t.db.activityEvent.count()).toBe(before);
    expect(log.some((line) => line.includes(`"${unknown}" blocked for 60 s`))).toBe(true);
  });

  it('blocks a client address that tries many accounts, with a larger budget', async () => {
    const clientKey = client();
    const outcomes: SignInOutcome[] = [];
    for (let i = 0; i < 50; i++) {
      const email = `spray-${i}-${randomBytes(3).toString('hex')}@agency.test`;
      outcomes.push(...(await attempts(1, email, 'guess', clientKey)));
    }
    expect(outcomes.slice(0, 49).every((o) => o.outcome === 'invalid')).toBe(true);
    expect(outcomes[49]).toMatchObject({ outcome: 'throttled', retryAfterSeconds: 300 });

    // Another member signing in from elsewhere is not affected.
    const agency = await createAgency(t.db);
    const [ok] = await attempts(1, agency.email, agency.password);
    expect(ok).toMatchObject({ outcome: 'signed_in' });
    const [fromBlocked] = await attempts(1, agency.email, agency.password, clientKey);
    expect(fromBlocked).toMatchObject({ outcome: 'throttled' });
  });

  it('replaces the session the browser held when it signs in', async () => {
    const agency = await createAgency(t.db);
    const first = await attemptSignIn(deps, { ...agency, clientKey: client() });
    if (first.outcome !== 'signed_in') throw new Error('expected a session');
    const second = await attemptSignIn(deps, {
      ...agency,
      clientKey: client(),
      previousToken: first.token,
    });
    expect(second).toMatchObject({ outcome: 'signed_in' });
    expect(await resolveSession(t.db, first.token)).toBeNull();
  });
});
