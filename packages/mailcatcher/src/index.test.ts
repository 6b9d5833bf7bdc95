// The catcher over real SMTP and HTTP: nodemailer sends, the JSON API and the pages show the
// message, HTML stays in a sandboxed frame, and messages on disk survive a restart.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher, type CaughtMessage, type MailCatcher } from './index.ts';

describe('the mail catcher', () => {
  let dir: string;
  let catcher: MailCatcher;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'herald-mail-test-'));
    catcher = await startMailCatcher({ smtpPort: 0, webPort: 0, dir });
  });
  afterAll(async () => {
    await catcher.close();
    await rm(dir, { recursive: true, force: true });
  });

  const send = (to: string, subject: string, html?: string) => {
    const transport = createTransport({ url: catcher.smtpUrl });
    return transport
      .sendMail({
        from: 'Herald <herald@localhost>',
        to,
        subject,
        text: `Plain words for ${to}. Open https://herald.test/clients/abc#accounts-heading`,
        ...(html ? { html } : {}),
      })
      .finally(() => transport.close());
  };

  const api = async () =>
    (
      (await (await fetch(`${catcher.webUrl}/api/messages`)).json()) as {
        messages: CaughtMessage[];
      }
    ).messages;

  it('keeps what nodemailer sends and lists it in the JSON API, newest first', async () => {
    await send('owner@agency.test', 'First');
    await send('admin@agency.test', 'Second <b>bold</b>', '<p>Hello <em>admin</em></p>');
    const messages = await api();
    expect(messages.map((m) => [m.subject, m.to, m.from])).toEqual([
      ['Second <b>bold</b>', ['admin@agency.test'], '"Herald" <herald@localhost>'],
      ['First', ['owner@agency.test'], '"Herald" <herald@localhost>'],
    ]);
    expect(messages[0]!.html).toContain('<p>Hello <em>admin</em></p>');
    expect(messages[1]!.html).toBeNull();
    expect(messages[1]!.text).toContain('Plain words for owner@agency.test.');
    const one = await fetch(`${catcher.webUrl}/api/messages/${messages[1]!.id}`);
    expect(((await one.json()) as CaughtMessage).subject).toBe('First');
    expect((await fetch(`${catcher.webUrl}/api/messages/0000000000000-000000000000`)).status).toBe(
      404,
    );
  });

  it('shows the list and a message, with the HTML in a sandboxed frame under a strict CSP', async () => {
    await send('x@agency.test', 'Script test', '<p>hi</p><script>alert(1)</script>');
    const list = await fetch(catcher.webUrl);
    expect(list.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const listed = await list.text();
    // The subject is text, not markup.
    expect(listed).toContain('Second &lt;b&gt;bold&lt;/b&gt;');
    const message = (await api()).find((m) => m.subject === 'Script test')!;
    const shown = await fetch(`${catcher.webUrl}/messages/${message.id}`);
    const csp = shown.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    const body = await shown.text();
    const frame = /<iframe title="HTML body" sandbox="([^"]*)" srcdoc="([^"]*)"><\/iframe>/.exec(
      body,
    );
    expect(frame?.[1]).toBe('allow-popups allow-popups-to-escape-sandbox');
    // The email's markup is only ever an attribute value, escaped.
    expect(frame?.[2]).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain('<script>');
    // The text part's link is clickable.
    expect(body).toContain('<a href="https://herald.test/clients/abc#accounts-heading"');
    const raw = await fetch(`${catcher.webUrl}/messages/${message.id}.eml`);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(await raw.text()).toContain('Subject: Script test');
  });

  it('wakes a waiting test when the message it waits for arrives', async () => {
    const waiting = catcher.waitForMessage((m) => m.subject === 'Later');
    await send('late@agency.test', 'Later');
    expect((await waiting).to).toEqual(['late@agency.test']);
  });

  it('keeps messages across a restart, and deletes them all on request', async () => {
    const before = catcher.messages().map((m) => m.id);
    expect(await readdir(dir)).toHaveLength(before.length);
    await catcher.close();
    catcher = await startMailCatcher({ smtpPort: 0, webPort: 0, dir });
    expect(catcher.messages().map((m) => m.id)).toEqual(before);
    expect(catcher.messages().at(-1)!.subject).toBe('First');

    const cleared = await fetch(`${catcher.webUrl}/api/messages`, { method: 'DELETE' });
    expect(cleared.status).toBe(204);
    expect(await api()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });
});
