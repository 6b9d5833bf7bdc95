import { createAgency, createTestDatabase, type TestDatabase } from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, scheduleOneTarget } from '../testing.ts';
import { HELD_POSTS_SHOWN, listClientAccounts } from './client-accounts.ts';
import { NotFoundError } from './errors.ts';

describe('the connected-accounts page', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('lists each account with its health and the posts held waiting for it', async () => {
    const agency = await createAgency(t.db, { role: 'editor', pages: 2 });
    const [broken, fine] = agency.accounts;
    const now = new Date();
    const held = [];
    for (let i = 0; i < HELD_POSTS_SHOWN + 2; i++) {
      held.push(
        await scheduleOneTarget(t.db, agency, {
          caption: `Held ${i}`,
          now,
          scheduledFor: new Date(now.getTime() + (i + 1) * 3_600_000),
        }),
      );
    }
    await t.db.postTarget.updateMany({
      where: { id: { in: held.map((h) => h.targetId) } },
      data: { status: 'waiting_for_account' },
    });
    const expires = new Date('2031-01-01T00:00:00Z');
    await t.db.socialAccount.update({
      where: { id: broken!.id },
      data: {
        status: 'needs_action',
        statusReason: 'The password changed.',
        tokenExpiresAt: expires,
      },
    });

    // Viewers read it too.
    const viewer = { ...actorOf(agency), role: 'viewer' as const };
    const page = await listClientAccounts(t.db, viewer, agency.clientId);
    expect(page.client.id).toBe(agency.clientId);
    const byId = new Map(page.accounts.map((a) => [a.id, a]));
    const b = byId.get(broken!.id)!;
    expect(b.health).toEqual({
      label: 'Needs reconnecting',
      tone: 'problem',
      needsReconnect: true,
    });
    expect([b.statusReason, b.tokenExpiresAt?.toISOString()]).toEqual([
      'The password changed.',
      expires.toISOString(),
    ]);
    expect(b.held.count).toBe(HELD_POSTS_SHOWN + 2);
    expect(b.held.posts.map((p) => p.caption)).toEqual(
      Array.from({ length: HELD_POSTS_SHOWN }, (_, i) => `Held ${i}`),
    );
    expect(b.held.posts[0]!.postId).toBe(held[0]!.postId);
    const f = byId.get(fine!.id)!;
    expect([f.health.needsReconnect, f.held.count, f.held.posts]).toEqual([false, 0, []]);
  });

  it('shows another organization’s client to nobody', async () => {
    const mine = await createAgency(t.db);
    const theirs = await createAgency(t.db);
    await expect(listClientAccounts(t.db, actorOf(mine), theirs.clientId)).rejects.toThrow(
      NotFoundError,
    );
  });
});
