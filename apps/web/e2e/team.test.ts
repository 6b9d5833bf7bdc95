// The team in a real browser against the production build: the demo owner invites an editor
// limited to one client; the invitation mail (caught by the local mail catcher over SMTP)
// carries the link; the invitee sets a name and password, joins, signs in again, and sees
// only that client — another client's page is not found.
import { DEMO_CLIENTS } from '@herald/db/seed';
import { startMailCatcher, type MailCatcher } from '@herald/mailcatcher';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  newWatchedPage,
  signIn,
  signInAsDemo,
  startHerald,
  type Herald,
} from './support/herald.ts';

const [LIMITED_TO, OTHER] = DEMO_CLIENTS;
const INVITEE = { email: 'eve.editor@agency.test', password: 'a long editor password' };

describe('the team', () => {
  let herald: Herald;
  let catcher: MailCatcher;
  let browser: Browser;
  const logs: string[] = [];

  beforeAll(async () => {
    catcher = await startMailCatcher({ smtpPort: 0, webPort: 0 });
    herald = await startHerald({
      webEnv: {
        SESSION_COOKIE_SECURE: 'false',
        SMTP_URL: catcher.smtpUrl,
        SMTP_FROM: 'Herald <herald@localhost>',
      },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
    await catcher?.close();
  });

  it('invites an editor limited to one client, who joins from the mail and sees only it', async ({
    onTestFailed,
  }) => {
    const step = (name: string) => logs.push(`step: ${name}`);
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...logs].join('\n')));
    const owner = await newWatchedPage(browser);
    owner.page.on('console', (m) => logs.push(`owner ${m.type()}: ${m.text()}`));
    await signInAsDemo(owner.page, herald.url);
    step('team page');
    await owner.page.getByRole('link', { name: 'Team' }).click();
    await owner.page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
    const invite = owner.page.getByRole('region', { name: 'Invite someone' });
    await invite.getByLabel('Email').fill(INVITEE.email);
    await invite.getByRole('checkbox', { name: LIMITED_TO.name }).check();
    step('send');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite.getByText(`Invitation sent to ${INVITEE.email}.`).waitFor();
    // Pending, limited to the one client.
    const pending = owner.page.getByRole('table', { name: 'Pending invitations' });
    await pending
      .getByRole('row', { name: new RegExp(INVITEE.email) })
      .getByText(LIMITED_TO.name)
      .waitFor();

    step('mail');
    const mail = await catcher.waitForMessage((m) => m.to.includes(INVITEE.email));
    const link = new RegExp(`${herald.url}/invite/[A-Za-z0-9_-]+`).exec(mail.text)?.[0];
    expect(link, mail.text).toBeDefined();

    const invitee = await newWatchedPage(browser);
    invitee.page.on('console', (m) => logs.push(`invitee ${m.type()}: ${m.text()}`));
    onTestFailed(async () => {
      console.log(
        await invitee.page
          .locator('body')
          .innerText()
          .catch(() => ''),
      );
      console.log(invitee.page.url());
    });
    step('invitee');
    await invitee.page.goto(link!);
    await invitee.page.getByText(/You are invited to join Demo Agency as Editor/).waitFor();
    step('fill');
    await invitee.page.getByLabel('Your name').fill('Eve Editor');
    await invitee.page.getByLabel(/^Password/).fill(INVITEE.password);
    await invitee.page.getByRole('button', { name: 'Join Demo Agency' }).click();
    step('joined?');
    await invitee.page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();

    // Signed out and in again with the new password: still only the one client.
    step('sign out');
    await invitee.page.getByRole('button', { name: /^Account menu for / }).click();
    await invitee.page.getByRole('menuitem', { name: 'Sign out' }).click();
    await invitee.page.waitForURL(/\/login/);
    step('sign in');
    await signIn(invitee.page, herald.url, INVITEE);
    // The overview lists only the one client, and so does the navigation.
    await invitee.page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await invitee.page
      .getByRole('navigation', { name: 'Clients' })
      .getByRole('link', { name: LIMITED_TO.name })
      .waitFor();
    const clients = invitee.page.getByRole('navigation', { name: 'Clients' }).getByRole('link');
    expect(await clients.allTextContents()).toEqual([LIMITED_TO.name]);

    step('other');
    const other = await herald.t.db.client.findFirstOrThrow({ where: { name: OTHER.name } });
    const response = await invitee.page.goto(`${herald.url}/clients/${other.id}`);
    expect(response?.status()).toBe(404);

    // The owner's team list shows the new member with their one client.
    await owner.page.reload();
    await owner.page
      .getByRole('table', { name: 'Members' })
      .getByRole('row', { name: /Eve Editor/ })
      .getByText(LIMITED_TO.name)
      .waitFor();
    logs.push(...owner.log, ...invitee.log);
  }, 180_000);
});
