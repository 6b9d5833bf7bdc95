// Email settings, the mailer over real SMTP (to the local catcher), and notification bodies.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startMailCatcher } from '@herald/mailcatcher';
import { createMailer, MAIL_NOT_CONFIGURED, MailError } from './mailer.ts';
import { renderNotificationEmail } from './render.ts';
import { checkMailSettings, isMailConfigured, mailSettingsSchema } from './settings.ts';

const settings = (env: Record<string, string>) => mailSettingsSchema.parse(env);

describe('mail settings', () => {
  it('treats no SMTP variables (or empty ones) as "no email", which is fine', () => {
    const none = settings({ SMTP_HOST: '', SMTP_URL: '' });
    expect(isMailConfigured(none)).toBe(false);
    expect(checkMailSettings(none)).toEqual([]);
  });

  it('names each variable that is missing or conflicting', () => {
    const problems = (env: Record<string, string>) =>
      checkMailSettings(settings(env)).map((p) => `${p.variable}: ${p.message}`);
    expect(problems({ SMTP_HOST: 'mail.example.com' })).toEqual([
      'SMTP_FROM: SMTP_FROM is required when SMTP is configured (the sender, e.g. Herald <herald@agency.example>)',
    ]);
    expect(
      problems({ SMTP_URL: 'smtp://mail.example.com', SMTP_HOST: 'x', SMTP_FROM: 'a@b.c' }),
    ).toEqual(['SMTP_HOST: Set SMTP_URL or SMTP_HOST, not both']);
    expect(problems({ SMTP_HOST: 'x', SMTP_USER: 'u', SMTP_FROM: 'a@b.c' })).toEqual([
      'SMTP_PASSWORD: SMTP_USER and SMTP_PASSWORD go together: set both or neither',
    ]);
    expect(problems({ SMTP_PORT: '587' })).toEqual([
      'SMTP_PORT: SMTP_PORT is set but SMTP_HOST is not: set SMTP_HOST (or SMTP_URL)',
    ]);
    expect(() => settings({ SMTP_URL: 'http://mail.example.com' })).toThrow(
      'SMTP_URL must start with smtp:// or smtps://',
    );
  });
});

describe('the mailer', () => {
  const message = {
    to: 'owner@agency.test',
    subject: 'Reconnect Cafe One soon',
    text: 'Plain',
    html: '<p>Rich</p>',
  };

  it('skips, and says why, when no SMTP server is configured', async () => {
    const mailer = createMailer(settings({}));
    expect(mailer.configured).toBe(false);
    expect(await mailer.send(message)).toEqual({ status: 'skipped', reason: MAIL_NOT_CONFIGURED });
  });

  it('delivers over SMTP, host and port given as parts', async () => {
    const catcher = await startMailCatcher({ smtpPort: 0, webPort: 0 });
    const mailer = createMailer(
      settings({
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(catcher.smtpPort),
        SMTP_FROM: 'Herald <herald@agency.test>',
      }),
    );
    try {
      const outcome = await mailer.send(message);
      expect(outcome.status).toBe('sent');
      const [caught] = catcher.messages();
      expect([
        caught!.subject,
        caught!.to,
        caught!.from,
        caught!.text.trim(),
        caught!.html,
      ]).toEqual([
        message.subject,
        [message.to],
        '"Herald" <herald@agency.test>',
        'Plain',
        '<p>Rich</p>',
      ]);
    } finally {
      mailer.close();
      await catcher.close();
    }
  });

  it('fails with a MailError that never repeats the SMTP password', async () => {
    // A port nothing listens on.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const mailer = createMailer(
      settings({
        SMTP_URL: `smtp://herald:s3cret-pass@127.0.0.1:${port}`,
        SMTP_FROM: 'herald@agency.test',
      }),
      { timeoutMs: 5_000 },
    );
    const error = await mailer.send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailError);
    expect((error as MailError).message).toMatch(/^The mail server did not take the message: /);
    expect((error as MailError).code).toBe('ESOCKET');
    expect(JSON.stringify(error) + (error as Error).message).not.toContain('s3cret-pass');
    mailer.close();
  });
});

describe('notification emails', () => {
  it('says the same in text and HTML, with the link, and escapes what it is given', () => {
    const email = renderNotificationEmail({
      title: 'Reconnect <Cafe> soon',
      body: 'The access for <Cafe> & Co expires on 2030-04-04.',
      action: {
        label: 'Reconnect the account',
        url: 'https://herald.test/clients/1#accounts-heading',
      },
      recipientName: 'Dana',
      organizationName: 'Demo Agency',
    });
    expect(email.subject).toBe('Reconnect <Cafe> soon');
    expect(email.text).toContain('The access for <Cafe> & Co expires on 2030-04-04.');
    expect(email.text).toContain(
      'Reconnect the account: https://herald.test/clients/1#accounts-heading',
    );
    expect(email.html).toContain('The access for &lt;Cafe&gt; &amp; Co expires on 2030-04-04.');
    expect(email.html).toContain('href="https://herald.test/clients/1#accounts-heading"');
    expect(email.html).not.toContain('<Cafe>');
  });
});
