// Sign-up, email verification and password reset against the real database, with the mails
// delivered over SMTP to the local mail catcher and the links read back from them.
import { startMailCatcher, type MailCatcher } from '@herald/mailcatcher';
import { createAgency, createTestDatabase, type TestDatabase } from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import {
  requestPasswordReset,
  resendVerification,
  resetPassword,
  resetTokenUsable,
  signUp,
  verifyEmail,
  type AccountDeps,
} from './accounts.ts';
import { resolveSession, signIn } from './auth.ts';

const PUBLIC_URL = 'https://herald.example';

describe('accounts: sign-up, verification, password reset', () => {
  let t: TestDatabase;
  let catcher: MailCatcher;
  let mailer: Mailer;
  let clock = new Date('2026-12-04T09:00:00Z');
  const deps = (): AccountDeps => ({ db: t.db, mailer, publicUrl: PUBLIC_URL, now: () => clock });

  beforeAll(async () => {
    t = await createTestDatabase();
    catcher = await startMailCatcher({ smtpPort: 0, webPort: 0 });
    mailer = createMailer({ SMTP_URL: catcher.smtpUrl, SMTP_FROM: 'Herald <herald@localhost>' });
  });
  afterAll(async () => {
    mailer?.close();
    await catcher?.close();
    await t?.drop();
  });

  const linkIn = (text: string, path: string) => {
    const match = new RegExp(`${PUBLIC_URL}/${path}/([A-Za-z0-9_-]+)`).exec(text);
    expect(match, `no /${path}/ link in:\n${text}`).not.toBeNull();
    return match![1]!;
  };

  it('creates the agency, its owner and a session, and mails a link that verifies once', async () => {
    const result = await signUp(deps(), {
      name: 'Ada Agent',
      email: ' Ada@Bright.test ',
      password: 'a long enough password',
      agencyName: 'Bright & Bold',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.mailed).toBe(true);
    const session = await resolveSession(t.db, result.token, { now: clock });
    expect(session).toMatchObject({
      role: 'owner',
      clientIds: null,
      organization: { name: 'Bright & Bold' },
      user: { email: 'ada@bright.test', emailVerified: false },
    });
    const org = await t.db.organization.findUniqueOrThrow({ where: { id: result.organizationId } });
    expect(org.slug).toBe('bright-bold');

    const mail = await catcher.waitForMessage((m) => m.to.includes('ada@bright.test'));
    const token = linkIn(mail.text, 'verify-email');
    // Only the hash is stored.
    expect(JSON.stringify(await t.db.userToken.findMany())).not.toContain(token);
    expect(await verifyEmail(deps(), token)).toEqual({ ok: true, email: 'ada@bright.test' });
    expect((await resolveSession(t.db, result.token, { now: clock }))!.user.emailVerified).toBe(
      true,
    );
    expect((await verifyEmail(deps(), token)).ok).toBe(false);

    // A second agency with the same name gets its own slug; the same email is refused.
    const again = await signUp(deps(), {
      name: 'Ada',
      email: 'ada@bright.test',
      password: 'a long enough password',
      agencyName: 'Other',
    });
    expect(again).toEqual({
      ok: false,
      fieldErrors: { email: expect.stringMatching(/already has an account/) },
    });
    const twin = await signUp(deps(), {
      name: 'Bo',
      email: 'bo@bright.test',
      password: 'another long password',
      agencyName: 'Bright & Bold',
    });
    expect(
      twin.ok &&
        (await t.db.organization.findUniqueOrThrow({ where: { id: twin.organizationId } })).slug,
    ).toBe('bright-bold-2');
  });

  it('refuses a short password with a sentence, and creates nothing', async () => {
    const result = await signUp(deps(), {
      name: 'Cy',
      email: 'cy@bright.test',
      password: 'short',
      agencyName: 'Cy Co',
    });
    expect(result).toEqual({
      ok: false,
      fieldErrors: { password: expect.stringMatching(/at least 12/) },
    });
    expect(await t.db.user.findUnique({ where: { email: 'cy@bright.test' } })).toBeNull();
  });

  it('expires a verification link after 24 hours; resending is limited', async () => {
    const result = await signUp(deps(), {
      name: 'Di',
      email: 'di@bright.test',
      password: 'a long enough password',
      agencyName: 'Di Co',
    });
    if (!result.ok) throw new Error('sign-up failed');
    const first = linkIn(
      (await catcher.waitForMessage((m) => m.to.includes('di@bright.test'))).text,
      'verify-email',
    );
    clock = new Date(clock.getTime() + 24 * 3_600_000 + 1);
    expect((await verifyEmail(deps(), first)).ok).toBe(false);

    await catcher.clear();
    expect(await resendVerification(deps(), result.userId)).toEqual({ outcome: 'sent' });
    const fresh = linkIn(
      (await catcher.waitForMessage((m) => m.to.includes('di@bright.test'))).text,
      'verify-email',
    );
    expect(await resendVerification(deps(), result.userId)).toEqual({ outcome: 'sent' });
    expect(await resendVerification(deps(), result.userId)).toEqual({ outcome: 'sent' });
    expect(await resendVerification(deps(), result.userId)).toMatchObject({
      outcome: 'throttled',
      message: expect.stringMatching(/Try again in/),
    });
    // The newest link works; an older one was replaced.
    expect((await verifyEmail(deps(), fresh)).ok).toBe(false);
    const newest = linkIn(catcher.messages()[0]!.text, 'verify-email');
    expect((await verifyEmail(deps(), newest)).ok).toBe(true);
  });

  it('resets a password once, within the hour, and signs out every session', async () => {
    const agency = await createAgency(t.db);
    const before = await signIn(t.db, agency, { now: clock });
    await catcher.clear();

    const unknown = await requestPasswordReset(deps(), { email: 'nobody@x.test', clientKey: 'a' });
    const known = await requestPasswordReset(deps(), { email: agency.email, clientKey: 'a' });
    // The same answer either way.
    expect({ ...unknown, sending: null }).toEqual({ ...known, sending: null });
    await Promise.all([unknown.sending, known.sending]);
    expect(catcher.messages().map((m) => m.to)).toEqual([[agency.email]]);

    const token = linkIn(catcher.messages()[0]!.text, 'reset-password');
    expect(await resetTokenUsable(deps(), token)).toBe(true);
    expect(await resetPassword(deps(), { token, password: 'short' })).toMatchObject({
      ok: false,
      field: 'password',
    });
    expect(await resetPassword(deps(), { token, password: 'a brand new password' })).toEqual({
      ok: true,
      email: agency.email,
    });
    expect(await resolveSession(t.db, before!.token, { now: clock })).toBeNull();
    expect(await signIn(t.db, { email: agency.email, password: agency.password })).toBeNull();
    expect(
      await signIn(t.db, { email: agency.email, password: 'a brand new password' }),
    ).not.toBeNull();
    expect((await resetPassword(deps(), { token, password: 'yet another password' })).ok).toBe(
      false,
    );

    // An hour later a link is dead.
    const later = await requestPasswordReset(deps(), { email: agency.email, clientKey: 'b' });
    await later.sending;
    const stale = linkIn(catcher.messages()[0]!.text, 'reset-password');
    clock = new Date(clock.getTime() + 3_600_000);
    expect(
      await resetPassword(deps(), { token: stale, password: 'a brand new password 2' }),
    ).toMatchObject({
      ok: false,
      field: 'token',
    });
  });

  it('limits reset requests per email, known or not, with the same answer', async () => {
    const outcomes = [];
    for (let i = 0; i < 4; i++) {
      const r = await requestPasswordReset(deps(), { email: 'ghost@x.test', clientKey: `c${i}` });
      await r.sending;
      outcomes.push(r.outcome);
    }
    expect(outcomes).toEqual(['accepted', 'accepted', 'accepted', 'throttled']);
  });
});
