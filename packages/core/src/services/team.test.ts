// The team against the real database: invitations mailed to the local mail catcher and
// accepted from the link; the rules about owners; and a member limited to one client who
// cannot read or change another client's rows through any service.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startMailCatcher, type MailCatcher } from '@herald/mailcatcher';
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import { createLocalStorage } from '../storage/index.ts';
import { actorOf, scheduleOneTarget } from '../testing.ts';
import type { AccountDeps } from './accounts.ts';
import type { Actor } from './actor.ts';
import { resolveSession, signIn } from './auth.ts';
import { getClient, listClients } from './clients.ts';
import { ConflictError, ForbiddenError, NotFoundError } from './errors.ts';
import { getMedia, listMedia } from './media/library.ts';
import { metricsForPost } from './metrics.ts';
import { cancelPost, getPost, listPosts, schedulePost } from './posts.ts';
import { getQueueHealth } from './queue-health.ts';
import { accountQuotaForecast } from './quotas.ts';
import { retryTarget } from './target-controls.ts';
import { setTargetSettings } from './target-settings.ts';
import {
  acceptInvitation,
  changeMember,
  describeInvitation,
  inviteMember,
  listTeam,
  removeMember,
  resendInvitation,
  revokeInvitation,
} from './team.ts';

const PUBLIC_URL = 'https://herald.example';

describe('the team', () => {
  let t: TestDatabase;
  let catcher: MailCatcher;
  let mailer: Mailer;
  let agency: AgencyFixture;
  let owner: Actor;
  /** A second client of the same agency, with its own account and post. */
  let other: { clientId: string; accountId: string; postId: string; targetId: string };
  let own: { postId: string; targetId: string };
  const deps = (): AccountDeps => ({ db: t.db, mailer, publicUrl: PUBLIC_URL });
  const storage = createLocalStorage({
    root: mkdtempSync(path.join(tmpdir(), 'herald-team-media-')),
    publicUrl: 'http://127.0.0.1:9',
    signingKey: randomBytes(32),
  });

  beforeAll(async () => {
    t = await createTestDatabase();
    catcher = await startMailCatcher({ smtpPort: 0, webPort: 0 });
    mailer = createMailer({ SMTP_URL: catcher.smtpUrl, SMTP_FROM: 'Herald <herald@localhost>' });
    agency = await createAgency(t.db);
    owner = actorOf(agency);
    own = await scheduleOneTarget(t.db, agency, { caption: 'Our own client' });
    const client = await t.db.client.create({
      data: { organizationId: agency.organizationId, name: 'Zeta Other', timezone: 'UTC' },
    });
    const template = await t.db.socialAccount.findUniqueOrThrow({
      where: { id: agency.accounts[0]!.id },
    });
    const account = await t.db.socialAccount.create({
      data: {
        organizationId: agency.organizationId,
        clientId: client.id,
        platform: template.platform,
        externalId: template.externalId,
        handle: 'Zeta Page',
        accessTokenEncrypted: template.accessTokenEncrypted,
      },
    });
    const post = await schedulePost(t.db, owner, {
      clientId: client.id,
      caption: 'Another client',
      accountIds: [account.id],
      scheduledFor: new Date(Date.now() + 3_600_000),
    });
    other = {
      clientId: client.id,
      accountId: account.id,
      postId: post.id,
      targetId: post.targets[0]!.id,
    };
  });
  afterAll(async () => {
    mailer?.close();
    await catcher?.close();
    await t?.drop();
  });

  const inviteToken = async (email: string) => {
    const mail = await catcher.waitForMessage((m) => m.to.includes(email));
    const match = /https:\/\/herald\.example\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text);
    expect(match).not.toBeNull();
    return match![1]!;
  };

  async function limitedEditor(): Promise<Actor> {
    await inviteMember(deps(), owner, {
      email: 'Eddie@Limited.test',
      role: 'editor',
      clientIds: [agency.clientId],
    });
    const token = await inviteToken('eddie@limited.test');
    expect(await describeInvitation(deps(), token)).toMatchObject({
      email: 'eddie@limited.test',
      roleLabel: 'Editor',
      hasAccount: false,
    });
    const accepted = await acceptInvitation(deps(), {
      token,
      name: 'Eddie',
      password: 'a long enough password',
    });
    if (!accepted.ok) throw new Error(accepted.message);
    const session = await resolveSession(t.db, accepted.token);
    expect(session).toMatchObject({
      role: 'editor',
      clientIds: [agency.clientId],
      user: { emailVerified: true },
    });
    expect(
      (await acceptInvitation(deps(), { token, name: 'X', password: 'another long one' })).ok,
    ).toBe(false);
    return session!;
  }

  it('limits an invited editor to one client in every service', async () => {
    const editor = await limitedEditor();
    expect((await listClients(t.db, editor)).map((c) => c.id)).toEqual([agency.clientId]);
    expect((await getClient(t.db, editor, agency.clientId)).id).toBe(agency.clientId);
    expect((await getPost(t.db, editor, own.postId)).id).toBe(own.postId);
    const media = { db: t.db, storage };
    const refused: [string, () => Promise<unknown>][] = [
      ['getClient', () => getClient(t.db, editor, other.clientId)],
      ['getPost', () => getPost(t.db, editor, other.postId)],
      ['listPosts', () => listPosts(t.db, editor, { clientId: other.clientId })],
      ['cancelPost', () => cancelPost(t.db, editor, { postId: other.postId })],
      [
        'schedulePost',
        () =>
          schedulePost(t.db, editor, {
            clientId: other.clientId,
            caption: 'sneaky',
            accountIds: [other.accountId],
            scheduledFor: new Date(Date.now() + 3_600_000),
          }),
      ],
      ['metricsForPost', () => metricsForPost(t.db, editor, other.postId)],
      ['retryTarget', () => retryTarget(t.db, editor, { targetId: other.targetId })],
      [
        'setTargetSettings',
        () => setTargetSettings(t.db, editor, { targetId: other.targetId, settings: {} }),
      ],
      [
        'accountQuotaForecast',
        () => accountQuotaForecast(t.db, editor, { accountId: other.accountId, day: '2026-12-04' }),
      ],
      ['listMedia', () => listMedia(media, editor, { clientId: other.clientId })],
    ];
    for (const [name, attempt] of refused) {
      await expect(attempt(), name).rejects.toThrow(NotFoundError);
    }
    const asset = await t.db.mediaAsset.create({
      data: {
        organizationId: agency.organizationId,
        clientId: other.clientId,
        uploadedById: agency.userId,
        name: 'other.jpg',
        kind: 'image',
        declaredType: 'image/jpeg',
        sizeBytes: 1,
        originalKey: `org/${agency.organizationId}/other.jpg`,
      },
    });
    await expect(getMedia(media, editor, { assetId: asset.id })).rejects.toThrow(NotFoundError);
    // The other client's post is untouched; the queue counts only the editor's client.
    expect((await getPost(t.db, owner, other.postId)).targets[0]!.status).toBe('scheduled');
    expect((await getQueueHealth(t.db, editor)).counts.pending).toBe(1);
    expect((await getQueueHealth(t.db, owner)).counts.pending).toBe(2);
  });

  it('keeps client approvers to reading and approving', async () => {
    const member = await t.db.user.create({
      data: { email: 'ann@approver.test', name: 'Ann', passwordHash: 'x' },
    });
    await t.db.member.create({
      data: { organizationId: agency.organizationId, userId: member.id, role: 'client_approver' },
    });
    const approver: Actor = { ...owner, userId: member.id, role: 'client_approver' };
    expect((await getPost(t.db, approver, own.postId)).id).toBe(own.postId);
    await expect(cancelPost(t.db, approver, { postId: own.postId })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(listTeam(t.db, approver)).rejects.toThrow(ForbiddenError);
  });

  it('lets an existing user accept while signed in as the invited email only', async () => {
    const elsewhere = await createAgency(t.db);
    await inviteMember(deps(), owner, { email: elsewhere.email, role: 'viewer', clientIds: null });
    const token = await inviteToken(elsewhere.email);
    expect((await describeInvitation(deps(), token))!.hasAccount).toBe(true);
    expect(await acceptInvitation(deps(), { token, userId: agency.userId })).toMatchObject({
      ok: false,
      field: 'account',
    });
    const joined = await acceptInvitation(deps(), { token, userId: elsewhere.userId });
    expect(joined.ok).toBe(true);
    if (joined.ok) {
      expect(await resolveSession(t.db, joined.token)).toMatchObject({
        organizationId: agency.organizationId,
        role: 'viewer',
        clientIds: null,
      });
    }
  });

  it('revokes and resends: only the newest live link works', async () => {
    await inviteMember(deps(), owner, { email: 'rita@x.test', role: 'viewer', clientIds: null });
    const first = await inviteToken('rita@x.test');
    await catcher.clear();
    const team = await listTeam(t.db, owner);
    const invitation = team.invitations.find((i) => i.email === 'rita@x.test')!;
    await resendInvitation(deps(), owner, { invitationId: invitation.id });
    const second = await inviteToken('rita@x.test');
    expect(await describeInvitation(deps(), first)).toBeNull();
    expect(await describeInvitation(deps(), second)).not.toBeNull();
    await revokeInvitation(t.db, owner, { invitationId: invitation.id });
    expect(await describeInvitation(deps(), second)).toBeNull();
    expect(
      (await acceptInvitation(deps(), { token: second, name: 'R', password: 'long enough pass' }))
        .ok,
    ).toBe(false);
  });

  it('keeps an owner, and only owners make owners', async () => {
    const team = await listTeam(t.db, owner);
    const me = team.members.find((m) => m.isYou)!;
    await expect(
      changeMember(t.db, owner, { memberId: me.id, role: 'admin', clientIds: null }),
    ).rejects.toThrow(ConflictError);
    await expect(removeMember(t.db, owner, { memberId: me.id })).rejects.toThrow(ConflictError);

    const adminUser = await t.db.user.create({
      data: { email: 'adam@x.test', name: 'Adam', passwordHash: 'x', emailVerifiedAt: new Date() },
    });
    const adminMember = await t.db.member.create({
      data: { organizationId: agency.organizationId, userId: adminUser.id, role: 'admin' },
    });
    const admin: Actor = { ...owner, userId: adminUser.id, role: 'admin' };
    await expect(
      inviteMember(deps(), admin, { email: 'o@x.test', role: 'owner', clientIds: null }),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      changeMember(t.db, admin, { memberId: me.id, role: 'viewer', clientIds: null }),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      changeMember(t.db, admin, { memberId: adminMember.id, role: 'owner', clientIds: null }),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      inviteMember(deps(), owner, {
        email: 'o2@x.test',
        role: 'owner',
        clientIds: [agency.clientId],
      }),
    ).rejects.toThrow(/Owners see every client/);

    // An owner promotes the admin; now the first owner may step down.
    await changeMember(t.db, owner, { memberId: adminMember.id, role: 'owner', clientIds: null });
    await changeMember(t.db, owner, { memberId: me.id, role: 'admin', clientIds: null });
    expect((await listTeam(t.db, owner)).members.find((m) => m.isYou)!.role).toBe('admin');

    // A removed member's sessions end.
    const viewer = (await listTeam(t.db, owner)).members.find(
      (m) => m.user.email === 'eddie@limited.test',
    )!;
    const session = await signIn(t.db, {
      email: 'eddie@limited.test',
      password: 'a long enough password',
    });
    const newOwner: Actor = { ...owner, userId: adminUser.id, role: 'owner' };
    await removeMember(t.db, newOwner, { memberId: viewer.id });
    expect(await resolveSession(t.db, session!.token)).toBeNull();
  });

  it('lets an unverified user do everything but invite', async () => {
    await t.db.user.update({ where: { id: agency.userId }, data: { emailVerifiedAt: null } });
    await expect(
      inviteMember(deps(), owner, { email: 'v@x.test', role: 'viewer', clientIds: null }),
    ).rejects.toThrow(/Confirm your email/);
    await t.db.user.update({ where: { id: agency.userId }, data: { emailVerifiedAt: new Date() } });
  });
});
