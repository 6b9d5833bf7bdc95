import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signIn } from '@herald/core';
import { hashPassword } from '@herald/db';
import { createLocalStorage } from '@herald/core/storage';
import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { TRPCError, type AnyProcedure } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appRouter, createCaller } from './root.ts';
import { SESSION_COOKIE } from './session-cookie.ts';
import { createContext } from './trpc.ts';

/** Media storage for the media procedures: a local store in a fresh folder. */
const storage = createLocalStorage({
  root: mkdtempSync(path.join(tmpdir(), 'herald-api-media-')),
  publicUrl: 'http://127.0.0.1:9',
  signingKey: randomBytes(32),
});

async function callerFor(t: TestDatabase, agency?: AgencyFixture) {
  const headers = new Headers();
  if (agency) {
    const session = await signIn(t.db, { email: agency.email, password: agency.password });
    headers.set('cookie', `theme=dark; ${SESSION_COOKIE}=${session!.token}`);
  }
  return createCaller(await createContext({ headers, db: t.db, storage }));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

type Caller = Awaited<ReturnType<typeof callerFor>>;

/** Every procedure of the router, found from the router itself so a new one is covered too. */
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
/** Platform staff's procedures answer NOT_FOUND to everyone else: tested on their own below. */
const STAFF_ONLY = (path: string) => path.startsWith('admin.');
const PROCEDURES = Object.keys(procedures)
  .filter((path) => !STAFF_ONLY(path))
  .sort();
const ADMIN_PROCEDURES = Object.keys(procedures).filter(STAFF_ONLY).sort();

function call(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const procedure = path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (procedure as (input: unknown) => Promise<unknown>)(input);
}

/** Ids owned by one organization, keyed by the input field that carries them. */
type TenantIds = Record<
  | 'clientId'
  | 'postId'
  | 'targetId'
  | 'accountId'
  | 'assetId'
  | 'uploadId'
  | 'memberId'
  | 'invitationId'
  | 'linkId'
  | 'notificationId',
  string
> & {
  accountIds: string[];
};

/** Fields whose sample must be a valid value of its kind, not any string or number. */
const SAMPLES: Record<string, unknown> = {
  fileName: 'photo.jpg',
  contentType: 'image/jpeg',
  size: 1_000,
  // A variant back on the post's own media.
  mediaIds: null,
  // A target's platform settings, all defaults.
  settings: {},
  // An invitation (or a member) with every client.
  clientIds: null,
  email: 'someone@invited.test',
  // Turning an email kind on.
  sendEmail: true,
  // A client's settings and brand profile.
  timezone: 'Europe/Oslo',
  bannedTopics: [],
  defaultHashtags: [],
  // Off: a client that needs approval would refuse the other calls' schedules.
  requiresApproval: false,
};

/** A fresh post per call, so a mutation tried earlier (cancel) does not change the answer. */
async function tenantIds(t: TestDatabase, agency: AgencyFixture): Promise<TenantIds> {
  const post = await (
    await callerFor(t, agency)
  ).posts.schedule({
    clientId: agency.clientId,
    caption: 'Owned by this organization.',
    accountIds: [agency.accounts[0]!.id],
    scheduledFor: new Date(Date.now() + 3_600_000),
  });
  const asset = await t.db.mediaAsset.create({
    data: {
      organizationId: agency.organizationId,
      clientId: agency.clientId,
      name: 'photo.jpg',
      kind: 'image',
      declaredType: 'image/jpeg',
      sizeBytes: 1_000n,
      originalKey: `uploads/${agency.organizationId}/${randomUUID()}`,
    },
  });
  // An upload that arrived, ready to be finalised.
  const uploadId = randomUUID();
  await storage.put(`uploads/${agency.organizationId}/${uploadId}`, randomBytes(1_000), {
    contentType: 'image/jpeg',
  });
  // A fellow member and a pending invitation, to change, remove, resend or revoke.
  const fellow = await t.db.user.create({
    data: { email: `fellow-${randomUUID()}@agency.test`, name: 'Fellow', passwordHash: 'x' },
  });
  const member = await t.db.member.create({
    data: { organizationId: agency.organizationId, userId: fellow.id, role: 'viewer' },
  });
  const invitation = await t.db.invitation.create({
    data: {
      organizationId: agency.organizationId,
      email: `invited-${randomUUID()}@agency.test`,
      role: 'viewer',
      tokenHash: randomUUID(),
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  const notification = await t.db.notification.create({
    data: { organizationId: agency.organizationId, kind: 'publish_failed', title: 'x', body: 'y' },
  });
  const link = await t.db.postReviewLink.create({
    data: {
      organizationId: agency.organizationId,
      postId: post.id,
      tokenHash: randomUUID(),
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  return {
    linkId: link.id,
    memberId: member.id,
    invitationId: invitation.id,
    notificationId: notification.id,
    clientId: agency.clientId,
    assetId: asset.id,
    uploadId,
    postId: post.id,
    targetId: post.targets[0]!.id,
    accountId: agency.accounts[0]!.id,
    accountIds: [agency.accounts[0]!.id],
  };
}

/**
 * A valid input for the procedure, built from its zod schema: tenant-owned ids from `ids`, other
 * required fields from their type. A field it cannot fill fails the test, naming the field.
 */
function sampleInput(path: string, ids: TenantIds): Record<string, unknown> | undefined {
  const [schema] = procedures[path]!._def.inputs as z.ZodType[];
  if (schema === undefined || schema instanceof z.ZodOptional) return undefined;
  if (!(schema instanceof z.ZodObject)) throw new Error(`${path}: input is not an object.`);
  const input: Record<string, unknown> = {};
  const shape: Record<string, z.ZodType> = schema.shape;
  for (const [key, field] of Object.entries(shape)) {
    if (key in ids) input[key] = ids[key as keyof TenantIds];
    else if (field.safeParse(undefined).success) continue;
    else if (key in SAMPLES) input[key] = SAMPLES[key];
    else if (field instanceof z.ZodUUID || field instanceof z.ZodArray)
      throw new Error(`${path}: add the id field "${key}" to TenantIds.`);
    else if (field instanceof z.ZodISODate) input[key] = '2030-06-11';
    else if (field instanceof z.ZodString) input[key] = 'A sample caption.';
    else if (field instanceof z.ZodDate) input[key] = new Date(Date.now() + 3_600_000);
    // The last option: by convention the one that needs no further fields.
    else if (field instanceof z.ZodEnum) input[key] = field.options.at(-1);
    else throw new Error(`${path}: no sample value for the field "${key}".`);
  }
  return input;
}

describe('the tRPC API', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2 });
    other = await createAgency(t.db);
  });
  afterAll(() => t.drop());

  it.each(PROCEDURES)('refuses %s without a session', async (path) => {
    const anonymous = await callerFor(t);
    const input = sampleInput(path, await tenantIds(t, agency));
    expect(await codeOf(call(anonymous, path, input))).toBe('UNAUTHORIZED');
  });

  it.each(PROCEDURES)("keeps %s to the member's own organization", async (path) => {
    const api = await callerFor(t, agency);
    const theirs = await tenantIds(t, other);
    const input = sampleInput(path, theirs);
    if (input === undefined || Object.keys(input).every((key) => !(key in theirs))) {
      // Nothing to point at another tenant: what it answers must not mention them.
      const answer = JSON.stringify(await call(api, path, input));
      for (const id of Object.values(theirs).flat()) expect(answer).not.toContain(id);
      expect(answer).not.toContain(other.organizationId);
      return;
    }
    expect(await codeOf(call(api, path, input))).toBe('NOT_FOUND');
    // The same call with the member's own ids is not refused, so the NOT_FOUND above is tenancy.
    const own = await codeOf(call(api, path, sampleInput(path, await tenantIds(t, agency))));
    expect(own).not.toMatch(/^(NOT_FOUND|UNAUTHORIZED|BAD_REQUEST)$/);
  });

  describe('a member limited to one client', () => {
    /** The agency's second client, with an account of its own. */
    let second: AgencyFixture;
    let limited: AgencyFixture;
    /** An agency of its own: a second client would change what other tests list. */
    let home: AgencyFixture;
    const CLIENT_LEVEL = ['clientId', 'postId', 'targetId', 'accountId', 'assetId', 'uploadId'];
    beforeAll(async () => {
      home = await createAgency(t.db);
      const client = await t.db.client.create({
        data: { organizationId: home.organizationId, name: 'Second client', timezone: 'UTC' },
      });
      const template = await t.db.socialAccount.findUniqueOrThrow({
        where: { id: home.accounts[0]!.id },
      });
      const account = await t.db.socialAccount.create({
        data: {
          organizationId: home.organizationId,
          clientId: client.id,
          platform: template.platform,
          externalId: template.externalId,
          handle: 'Second page',
          accessTokenEncrypted: template.accessTokenEncrypted,
        },
      });
      second = {
        ...home,
        clientId: client.id,
        accounts: [{ id: account.id, externalId: account.externalId, handle: account.handle }],
      };
      const password = 'limited editor password';
      const user = await t.db.user.create({
        data: {
          email: `limited-${randomUUID()}@home.test`,
          name: 'Limited',
          passwordHash: await hashPassword(password),
        },
      });
      await t.db.member.create({
        data: {
          organizationId: home.organizationId,
          userId: user.id,
          // An admin, so every client-level procedure is allowed on their own client.
          role: 'admin',
          limitedToClients: true,
          clients: {
            create: [{ clientId: home.clientId, organizationId: home.organizationId }],
          },
        },
      });
      limited = { ...home, userId: user.id, email: user.email, password, role: 'admin' };
    });

    const CLIENT_PROCEDURES = () =>
      PROCEDURES.filter((path) => {
        const [schema] = procedures[path]!._def.inputs as z.ZodType[];
        return (
          schema instanceof z.ZodObject &&
          Object.keys(schema.shape).some((key) => CLIENT_LEVEL.includes(key))
        );
      });

    it('finds client-level procedures to test', () => {
      expect(CLIENT_PROCEDURES().length).toBeGreaterThan(10);
    });

    it("is refused every other client's rows, through every procedure", async () => {
      const api = await callerFor(t, limited);
      for (const path of CLIENT_PROCEDURES()) {
        const input = sampleInput(path, await tenantIds(t, second));
        expect(await codeOf(call(api, path, input)), path).toBe('NOT_FOUND');
        // Their own client's rows are not refused, so the NOT_FOUND above is the limit.
        const own = await codeOf(call(api, path, sampleInput(path, await tenantIds(t, home))));
        expect(own, path).not.toMatch(/^(NOT_FOUND|UNAUTHORIZED|BAD_REQUEST|FORBIDDEN)$/);
      }
      expect((await api.clients.list()).map((c) => c.id)).toEqual([home.clientId]);
    });

    it('gives a client approver no writes and no team', async () => {
      await t.db.member.updateMany({
        where: { userId: limited.userId },
        data: { role: 'client_approver' },
      });
      const api = await callerFor(t, limited);
      const ids = await tenantIds(t, home);
      expect(await codeOf(api.posts.get({ postId: ids.postId }))).toBe('OK');
      expect(await codeOf(api.posts.cancel({ postId: ids.postId }))).toBe('FORBIDDEN');
      expect(await codeOf(api.team.list())).toBe('FORBIDDEN');
      await t.db.member.updateMany({ where: { userId: limited.userId }, data: { role: 'editor' } });
    });
  });

  it("lists only the member's own clients and accounts, without tokens", async () => {
    const api = await callerFor(t, agency);
    const clients = await api.clients.list();
    // Its own (clients.create above may have added some), and none of the other agency's.
    const own = await t.db.client.findMany({ where: { organizationId: agency.organizationId } });
    expect(clients.map((c) => c.id).sort()).toEqual(own.map((c) => c.id).sort());
    expect(clients.find((c) => c.id === agency.clientId)!.socialAccounts).toHaveLength(2);
    expect(JSON.stringify(clients)).not.toMatch(/accessToken|sbx-page/);
    expect((await api.me.get()).organization.id).toBe(agency.organizationId);
  });

  it('schedules, reads, reschedules and cancels a post', async () => {
    const api = await callerFor(t, agency);
    const when = new Date(Date.now() + 3_600_000);
    const post = await api.posts.schedule({
      clientId: agency.clientId,
      caption: '  New menu tomorrow  ',
      accountIds: agency.accounts.map((a) => a.id),
      scheduledFor: when,
    });
    expect(post.caption).toBe('New menu tomorrow');
    expect(post.targets.map((x) => x.status)).toEqual(['scheduled', 'scheduled']);
    expect((await api.posts.list({ clientId: agency.clientId })).map((p) => p.id)).toContain(
      post.id,
    );

    const later = new Date(when.getTime() + 600_000);
    await api.posts.reschedule({ postId: post.id, scheduledFor: later });
    const job = await findJob(t.db, `publish:${post.targets[0]!.id}`);
    expect(job!.run_at.toISOString()).toBe(later.toISOString());

    const cancelled = await api.posts.cancel({ postId: post.id });
    expect(cancelled.targets.every((x) => x.status === 'cancelled')).toBe(true);
    expect(await codeOf(api.posts.cancel({ postId: post.id }))).toBe('CONFLICT');
  });

  it.each(ADMIN_PROCEDURES)(
    'answers NOT_FOUND to %s for a signed-out caller and for an agency owner',
    async (path) => {
      const input =
        path === 'admin.act' ? { action: 'replay_job', jobId: '1', reason: 'Because.' } : undefined;
      expect(await codeOf(call(await callerFor(t), path, input))).toBe('NOT_FOUND');
      expect(await codeOf(call(await callerFor(t, agency), path, input))).toBe('NOT_FOUND');
    },
  );

  it('lets platform staff see the queue', async () => {
    await t.db.user.update({ where: { id: other.userId }, data: { isPlatformStaff: true } });
    try {
      const api = await callerFor(t, other);
      expect(await api.admin.overview()).toMatchObject({ failedJobs: [], lockedJobs: [] });
      expect((await api.admin.health()).history).toHaveLength(12);
      // A missing reason is refused with the sentence that says so.
      await expect(
        api.admin.act({ action: 'replay_job', jobId: '999999', reason: '   ' }),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^Say why/) });
      // Every action's input parses (and a missing job is a clear conflict, not a crash).
      expect(
        await codeOf(
          api.admin.act({ action: 'replay_job', jobId: '999999', reason: 'Checking the API' }),
        ),
      ).toBe('CONFLICT');
      expect(
        await codeOf(
          api.admin.act({
            action: 'resolve_target',
            targetId: '00000000-0000-4000-8000-000000000000',
            resolution: 'failed',
            reason: 'Checking the API',
          }),
        ),
      ).toBe('NOT_FOUND');
    } finally {
      await t.db.user.update({ where: { id: other.userId }, data: { isPlatformStaff: false } });
    }
  });

  it("answers NOT_FOUND for another organization's ids", async () => {
    const api = await callerFor(t, agency);
    const theirs = await (
      await callerFor(t, other)
    ).posts.schedule({
      clientId: other.clientId,
      caption: 'Theirs',
      accountIds: [other.accounts[0]!.id],
      scheduledFor: new Date(Date.now() + 3_600_000),
    });
    expect(await codeOf(api.clients.get({ clientId: other.clientId }))).toBe('NOT_FOUND');
    expect(
      await codeOf(
        api.accounts.quotaForecast({ accountId: other.accounts[0]!.id, day: '2030-06-11' }),
      ),
    ).toBe('NOT_FOUND');
    expect(await codeOf(api.posts.get({ postId: theirs.id }))).toBe('NOT_FOUND');
    expect(await codeOf(api.posts.cancel({ postId: theirs.id }))).toBe('NOT_FOUND');
    expect(
      await codeOf(
        api.posts.schedule({
          clientId: agency.clientId,
          caption: 'Sneaky',
          accountIds: [other.accounts[0]!.id],
          scheduledFor: new Date(Date.now() + 3_600_000),
        }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('explains bad input and refuses viewers', async () => {
    const api = await callerFor(t, agency);
    const error = await api.posts
      .schedule({
        clientId: agency.clientId,
        caption: ' ',
        accountIds: [],
        scheduledFor: new Date(),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect(
      await codeOf(
        api.posts.schedule({
          clientId: agency.clientId,
          caption: 'Too late',
          accountIds: [agency.accounts[0]!.id],
          scheduledFor: new Date(Date.now() - 3_600_000),
        }),
      ),
    ).toBe('BAD_REQUEST');

    const viewer = await createAgency(t.db, { role: 'viewer' });
    const viewerApi = await callerFor(t, viewer);
    expect(await codeOf(viewerApi.posts.list({ clientId: viewer.clientId }))).toBe('OK');
    expect(
      await codeOf(
        viewerApi.posts.schedule({
          clientId: viewer.clientId,
          caption: 'Hi',
          accountIds: [viewer.accounts[0]!.id],
          scheduledFor: new Date(Date.now() + 3_600_000),
        }),
      ),
    ).toBe('FORBIDDEN');
  });
});
