// The nightly token check end to end: real Graphile jobs, the X adapter refreshing against the
// sandbox over HTTP, and emails delivered over SMTP to the local mail catcher. A token nobody
// can refresh, three days from expiry, gets one notification and one email per owner and admin
// with the reconnect link; a refused refresh, the same; a good refresh, nothing; a second night
// sends nothing new. No token is in any email.
import { decryptSecret, encryptSecret } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { Logger, runOnce } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The catcher is a dev tool beside the apps, not a dependency of core: its source is imported
// by path, as a test fixture (it brings its own smtp-server and mailparser).
import { startMailCatcher, type MailCatcher } from '@herald/mailcatcher';
import {
  CHECK_EXPIRING_TOKENS_TASK,
  createTaskList,
  TOKEN_HEALTH_QUEUE,
} from '../jobs/task-list.ts';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import { createAdapterRegistry } from '../providers/registry.ts';
import { adapterConfigFromSettings, platformSettingsSchema } from '../providers/settings.ts';

const PUBLIC_URL = 'https://herald.example';

describe('the nightly token check, with email', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let sandbox: Sandbox;
  let catcher: MailCatcher;
  let mailer: Mailer;
  // Graphile runs what is due by the real clock; the check sees this "now".
  const now = new Date();
  const inDays = (d: number) => new Date(now.getTime() + d * 24 * 3_600_000);
  const emails: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 3 });
    emails.owner = agency.email;
    for (const role of ['admin', 'editor'] as const) {
      const user = await t.db.user.create({
        data: { email: `${role}-${agency.email}`, name: `The ${role}`, passwordHash: 'x' },
      });
      await t.db.member.create({
        data: { organizationId: agency.organizationId, userId: user.id, role },
      });
      emails[role] = user.email;
    }
    sandbox = await startSandbox({ port: 0 });
    catcher = await startMailCatcher({ smtpPort: 0, webPort: 0 });
    mailer = createMailer({ SMTP_URL: catcher.smtpUrl, SMTP_FROM: 'Herald <herald@localhost>' });
  });
  afterAll(async () => {
    mailer?.close();
    await catcher?.close();
    await sandbox?.close();
    await t?.drop();
  });

  async function nightlyRun() {
    const settings = platformSettingsSchema.parse({
      FACEBOOK_GRAPH_URL: sandbox.facebookBaseUrl,
      X_API_URL: sandbox.baseUrl('x'),
      X_CLIENT_ID: 'herald-test',
    });
    await t.db
      .$executeRaw`SELECT graphile_worker.add_job(${CHECK_EXPIRING_TOKENS_TASK}::text, queue_name => ${TOKEN_HEALTH_QUEUE}::text)`;
    // Until the queue is empty: the check, then the emails it queued.
    await runOnce({
      connectionString: t.url,
      logger: new Logger(() => () => {}),
      taskList: createTaskList({
        db: t.db,
        tokenKey: TEST_TOKEN_KEY,
        adapterFor: createAdapterRegistry(adapterConfigFromSettings(settings)),
        mailer,
        publicUrl: PUBLIC_URL,
        now: () => now,
      }),
    });
    const failed = await t.db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE last_error IS NOT NULL`;
    expect(failed[0]!.n).toBe(0);
  }

  it('emails owners and admins, once, with the reconnect link and no token', async () => {
    const [expiring, refused, refreshable] = agency.accounts;
    // A Facebook token nobody can refresh, three days from expiry.
    await t.db.socialAccount.update({
      where: { id: expiring!.id },
      data: { tokenExpiresAt: inDays(3) },
    });
    // X accounts: one whose refresh token X has revoked, one whose refresh works.
    const tokens: string[] = [`sbx-page-${expiring!.externalId}-test`];
    for (const [account, user, suffix] of [
      [refused!, '2000000031', 'revoked'],
      [refreshable!, '2000000032', 'good'],
    ] as const) {
      const access = `sbx-x-${user}-old`;
      const refresh = `sbxr-x-${user}-${suffix}`;
      tokens.push(access, refresh);
      await t.db.socialAccount.update({
        where: { id: account.id },
        data: {
          platform: 'x',
          externalId: user,
          handle: `@user${user}`,
          accessTokenEncrypted: encryptSecret(access, TEST_TOKEN_KEY),
          refreshTokenEncrypted: encryptSecret(refresh, TEST_TOKEN_KEY),
          tokenExpiresAt: inDays(2),
        },
      });
    }
    sandbox.revokeToken('sbxr-x-2000000031-revoked');

    await nightlyRun();

    const statuses = await t.db.socialAccount.findMany({
      where: { organizationId: agency.organizationId },
      select: { id: true, status: true },
    });
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
      [expiring!.id]: 'expiring',
      [refused!.id]: 'needs_action',
      [refreshable!.id]: 'active',
    });
    // The good refresh went through X's token endpoint: new credentials, rotated refresh token.
    const renewed = await t.db.socialAccount.findUniqueOrThrow({ where: { id: refreshable!.id } });
    expect(decryptSecret(renewed.accessTokenEncrypted, TEST_TOKEN_KEY)).toMatch(
      /^sbx-x-2000000032-/,
    );
    expect(decryptSecret(renewed.accessTokenEncrypted, TEST_TOKEN_KEY)).not.toBe(
      'sbx-x-2000000032-old',
    );
    expect(decryptSecret(renewed.refreshTokenEncrypted!, TEST_TOKEN_KEY)).not.toBe(
      'sbxr-x-2000000032-good',
    );
    const notifications = await t.db.notification.findMany({
      where: { organizationId: agency.organizationId },
      orderBy: { kind: 'asc' },
    });
    const link = `${PUBLIC_URL}/clients/${agency.clientId}#accounts-heading`;
    expect(notifications.map((n) => [n.kind, n.data])).toEqual([
      [
        'account_expiring',
        { accountId: expiring!.id, clientId: agency.clientId, reconnectUrl: link },
      ],
      [
        'account_needs_action',
        { accountId: refused!.id, clientId: agency.clientId, reconnectUrl: link },
      ],
    ]);

    const messages = catcher.messages();
    expect(messages.map((m) => [m.subject, m.to.join()]).sort()).toEqual(
      [
        [`Reconnect ${expiring!.handle} soon`, emails.owner],
        [`Reconnect ${expiring!.handle} soon`, emails.admin],
        [`Reconnect @user2000000031`, emails.owner],
        [`Reconnect @user2000000031`, emails.admin],
      ].sort(),
    );
    for (const message of messages) {
      expect(message.text).toContain(`Reconnect the account: ${link}`);
      expect(message.html).toContain(`href="${link}"`);
      const notification = notifications.find((n) => n.title === message.subject)!;
      expect(message.text).toContain(notification.body);
      const raw = JSON.stringify(message);
      for (const token of tokens) expect(raw).not.toContain(token);
      expect(raw).not.toMatch(/sbxr?-(x|page)-\d+-/);
    }
    // The catcher's page lists them too.
    const page = await (await fetch(catcher.webUrl)).text();
    expect(page).toContain(`Reconnect ${expiring!.handle} soon`);

    // The next night: the same expiry is not announced again, nobody is emailed again.
    await nightlyRun();
    expect(
      await t.db.notification.count({ where: { organizationId: agency.organizationId } }),
    ).toBe(2);
    expect(catcher.messages()).toHaveLength(4);
  });
});
