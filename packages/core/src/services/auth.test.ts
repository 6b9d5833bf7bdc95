import { createAgency, createTestDatabase, type TestDatabase } from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  resolveSession,
  rotateSession,
  SESSION_IDLE_TIMEOUT_MS,
  SESSION_TTL_MS,
  signIn,
} from './auth.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = new Date('2026-11-23T09:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('sessions', () => {
  let t: TestDatabase;
  let credentials: { email: string; password: string };
  beforeAll(async () => {
    t = await createTestDatabase();
    const agency = await createAgency(t.db);
    credentials = { email: agency.email, password: agency.password };
  });
  afterAll(async () => {
    await t.drop();
  });

  const signInAt = async (now: Date, previousToken?: string) => {
    const session = await signIn(t.db, credentials, { now, previousToken });
    if (!session) throw new Error('sign-in failed');
    return session.token;
  };
  const lastSeen = async (token: string) => {
    const rows = await t.db.session.findMany({ orderBy: { createdAt: 'desc' } });
    const session = await resolveSession(t.db, token, { now: T0 });
    return rows.find((r) => r.id === session?.sessionId)?.lastSeenAt;
  };

  it('ends after the idle timeout without activity', async () => {
    expect(SESSION_IDLE_TIMEOUT_MS).toBe(7 * DAY);
    const token = await signInAt(T0);
    expect(await resolveSession(t.db, token, { now: at(7 * DAY - MINUTE) })).not.toBeNull();
    const other = await signInAt(T0);
    expect(await resolveSession(t.db, other, { now: at(7 * DAY) })).toBeNull();
    // An ended session is gone for good, even if the clock were to read earlier.
    expect(await resolveSession(t.db, other, { now: T0 })).toBeNull();
  });

  it('counts idleness from the last request, which it records at most every five minutes', async () => {
    const token = await signInAt(T0);
    await resolveSession(t.db, token, { now: at(4 * MINUTE) });
    expect(await lastSeen(token)).toEqual(T0);
    await resolveSession(t.db, token, { now: at(6 * DAY) });
    expect(await lastSeen(token)).toEqual(at(6 * DAY));
    expect(await resolveSession(t.db, token, { now: at(12 * DAY) })).not.toBeNull();
  });

  it('honours a configured idle timeout', async () => {
    const token = await signInAt(T0);
    expect(await resolveSession(t.db, token, { now: at(2 * DAY), idleTimeoutMs: DAY })).toBeNull();
  });

  it('still ends 30 days after sign-in however active it is', async () => {
    const token = await signInAt(T0);
    for (let day = 6; day < 30; day += 6) {
      expect(await resolveSession(t.db, token, { now: at(day * DAY) })).not.toBeNull();
    }
    expect(await resolveSession(t.db, token, { now: at(SESSION_TTL_MS) })).toBeNull();
  });

  it('replaces the session a browser already held when it signs in again', async () => {
    const old = await signInAt(T0);
    const fresh = await signInAt(at(MINUTE), old);
    expect(fresh).not.toBe(old);
    expect(await resolveSession(t.db, old, { now: at(2 * MINUTE) })).toBeNull();
    expect(await resolveSession(t.db, fresh, { now: at(2 * MINUTE) })).not.toBeNull();
  });

  it('rotates a token for a privilege change, keeping the member and the absolute expiry', async () => {
    const old = await signInAt(T0);
    const before = await resolveSession(t.db, old, { now: at(MINUTE) });
    const rotated = await rotateSession(t.db, old, at(2 * MINUTE));
    expect(rotated).not.toBeNull();
    expect(rotated!.token).not.toBe(old);
    expect(rotated!.expiresAt).toEqual(at(SESSION_TTL_MS));
    expect(await resolveSession(t.db, old, { now: at(3 * MINUTE) })).toBeNull();
    const after = await resolveSession(t.db, rotated!.token, { now: at(3 * MINUTE) });
    expect(after).toMatchObject({ userId: before!.userId, organizationId: before!.organizationId });
    expect(await rotateSession(t.db, old, at(4 * MINUTE))).toBeNull();
  });
});
