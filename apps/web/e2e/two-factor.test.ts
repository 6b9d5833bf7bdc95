// Two-step sign-in as a person meets it, against the production build in Chromium: set it up
// on /settings with a code computed from the key the page shows, sign out, sign in with the
// password and a code; a wrong code is refused with a sentence.
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY_BASE64,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signIn, startWebServer, type WebServer } from './support/herald.ts';

/** The code an authenticator app shows `offsetSeconds` from now. */
const codeAt = (secret: string, offsetSeconds = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });

describe('two-step sign-in (production build, Chromium)', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let web: WebServer;

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    web = await startWebServer(
      { DATABASE_URL: t.url, TOKEN_ENCRYPTION_KEY: TEST_TOKEN_KEY_BASE64 },
      { host: 'localhost' },
    );
  });

  afterAll(async () => {
    await web?.stop();
    await t?.drop();
  });

  it('sets it up, then asks for a code after the password and refuses a wrong one', async () => {
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext()).newPage();
      await signIn(page, web.url, agency);

      await page.goto(`${web.url}/settings`);
      await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
      const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
      expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
      await expect
        .poll(() => page.getByRole('img', { name: 'QR code for your authenticator app' }).count())
        .toBe(1);
      await page.getByLabel('Code from your app').fill(await codeAt(secret));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await page.getByText('Two-step sign-in is on.').waitFor();
      const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
      expect(await codes.count()).toBe(10);
      const stored = await t.db.user.findUniqueOrThrow({ where: { id: agency.userId } });
      expect(stored.totpSecretEncrypted).toMatch(/^v2\./);
      expect(stored.totpSecretEncrypted).not.toContain(secret);

      await page.getByRole('button', { name: /^Account menu for / }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.waitForURL(/\/login$/);

      // The password alone leads to the second step, not into the app.
      await page.getByLabel('Email').fill(agency.email);
      await page.getByLabel('Password').fill(agency.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
      expect(await t.db.session.count({ where: { userId: agency.userId } })).toBe(0);

      // A code the app would not show now (nor a step either side).
      const valid = new Set(await Promise.all([-30, 0, 30].map((s) => codeAt(secret, s))));
      const wrong = ['111111', '222222', '333333'].find((c) => !valid.has(c))!;
      await page.getByLabel('Code').fill(wrong);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('alert').filter({ hasText: "That code isn't right." }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');

      // The next step's code: the one used to set it up cannot be used again.
      await page.getByLabel('Code').fill(await codeAt(secret, 30));
      await page.getByRole('button', { name: 'Verify' }).click();
      // Signed in: the clients overview, with the account menu.
      await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
      await page.getByRole('button', { name: /^Account menu for / }).waitFor();
    } finally {
      await browser.close();
    }
  });
});
