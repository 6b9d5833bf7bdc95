// LinkedIn's 3-legged OAuth in the sandbox over HTTP: the consent page and its refusals, the
// code exchange, /v2/userinfo, organizationAcls listing only what the member granted, an
// organization's names, and issued access tokens expiring after the configured lifetime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../index.ts';
import { versionOf } from './request.ts';

const REDIRECT = 'http://127.0.0.1:1/callback';
const SCOPE = 'openid profile w_member_social w_organization_social rw_organization_admin';

let sandbox: Sandbox;
let base: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  base = sandbox.baseUrl('linkedin');
});
afterAll(() => sandbox.close());

const query = (extra: Record<string, string> = {}) =>
  new URLSearchParams({
    response_type: 'code',
    client_id: 'app-1',
    redirect_uri: REDIRECT,
    state: 'st',
    scope: SCOPE,
    ...extra,
  });

async function consent(organizations: string[], extra: Record<string, string> = {}) {
  const form = query(extra);
  for (const id of organizations) form.append('organization', id);
  const answer = await fetch(`${base}/oauth/v2/authorization`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location')!).searchParams.get('code')!;
}

async function exchange(code: string): Promise<Record<string, unknown>> {
  const answer = await fetch(`${base}/oauth/v2/accessToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: 'app-1',
      client_secret: 'secret',
    }),
  });
  return (await answer.json()) as Record<string, unknown>;
}

const rest = (path: string, token: string) =>
  fetch(`${base}${path}`, {
    headers: {
      authorization: `Bearer ${token}`,
      'linkedin-version': versionOf(new Date()),
      'x-restli-protocol-version': '2.0.0',
    },
  });

describe('the consent page', () => {
  it('shows the organizations the member administers; Cancel says user_cancelled_authorize', async () => {
    const page = await fetch(`${base}/oauth/v2/authorization?${query().toString()}`);
    const html = await page.text();
    expect(html).toContain('Signed in as Dana Demo.');
    expect(html).toContain('Fjord Outdoor AS');
    expect(html).toContain('error=user_cancelled_authorize');
  });

  it('sends an unknown scope back as unauthorized_scope_error, and refuses a bad redirect_uri', async () => {
    const answer = await fetch(
      `${base}/oauth/v2/authorization?${query({ scope: 'openid r_everything' }).toString()}`,
      { redirect: 'manual' },
    );
    expect(answer.status).toBe(302);
    const back = new URL(answer.headers.get('location')!);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      error: 'unauthorized_scope_error',
      error_description: 'Scope "r_everything" is not authorized for your application',
      state: 'st',
    });
    const bad = await fetch(
      `${base}/oauth/v2/authorization?${query({ redirect_uri: '' }).toString()}`,
    );
    expect(bad.status).toBe(400);
  });
});

describe('tokens from the consent', () => {
  it('answers LinkedIn’s token fields, and the member and granted organizations behind them', async () => {
    const body = await exchange(await consent(['3000001']));
    expect(body).toMatchObject({
      expires_in: 60 * 86_400,
      refresh_token_expires_in: 365 * 86_400,
      scope: SCOPE,
    });
    const token = body.access_token as string;
    expect(
      await (
        await fetch(`${base}/v2/userinfo`, { headers: { authorization: `Bearer ${token}` } })
      ).json(),
    ).toMatchObject({
      sub: 'sbxDana42',
      name: 'Dana Demo',
    });
    const acls = await rest(
      '/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED',
      token,
    );
    expect(((await acls.json()) as { elements: unknown[] }).elements).toEqual([
      {
        roleAssignee: 'urn:li:person:sbxDana42',
        role: 'ADMINISTRATOR',
        state: 'APPROVED',
        organization: 'urn:li:organization:3000001',
      },
    ]);
    const organization = await rest('/rest/organizations/3000001', token);
    expect(await organization.json()).toMatchObject({
      id: 3000001,
      localizedName: 'Northwind Coffee Co.',
    });
    expect((await rest('/rest/organizations/9', token)).status).toBe(404);
  });

  it('refuses a used code with LinkedIn’s words', async () => {
    const code = await consent([]);
    await exchange(code);
    expect(await exchange(code)).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/^Unable to retrieve access token/),
    });
  });

  it('expires issued access tokens after the configured lifetime', async () => {
    const short = await startSandbox({ port: 0, accessTokenTtlSeconds: { linkedin: 0 } });
    try {
      base = short.baseUrl('linkedin');
      const body = await exchange(await consent([]));
      expect(body.expires_in).toBe(0);
      const answer = await fetch(`${base}/v2/userinfo`, {
        headers: { authorization: `Bearer ${body.access_token as string}` },
      });
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ code: 'EXPIRED_ACCESS_TOKEN' });
    } finally {
      base = sandbox.baseUrl('linkedin');
      await short.close();
    }
  });
});
