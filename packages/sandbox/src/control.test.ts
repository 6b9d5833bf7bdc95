// The control API's settings, token lifetimes and account revocation, over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxEnv } from './env.ts';
import { SANDBOX_PLATFORMS, startSandbox, type Sandbox } from './index.ts';
import { graphJson } from './platforms/facebook/testing.ts';
import { SandboxStore } from './store.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

/** What the control API answers, loosely: tests read whichever parts apply. */
interface ControlJson {
  ok?: boolean;
  error: string;
  settings: Record<string, unknown>;
  accessTokenTtlSeconds: Record<string, number>;
}

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as ControlJson };
}

describe('revoking every token of an account (Facebook)', () => {
  // Pages the sandbox's Facebook Login offers, so the account can be connected again.
  const PAGE = '1000000003';
  const OTHER = '1000000004';
  const graph = (path: string) => `${sandbox.facebookBaseUrl}/v21.0/${path}`;

  async function publish(token: string, page = PAGE) {
    const response = await fetch(graph(`${page}/feed`), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: new URLSearchParams({ message: 'revocation test' }),
    });
    return { status: response.status, body: await graphJson(response) };
  }

  /** A person connects the Page again: the dialog, the code exchange, /me/accounts. */
  async function reconnect(page: string): Promise<string> {
    const redirect = 'http://127.0.0.1:1/callback';
    const confirm = new URL(graph('dialog/oauth/confirm'));
    confirm.search = new URLSearchParams({
      client_id: 'herald',
      redirect_uri: redirect,
      state: 's',
      page,
    }).toString();
    const back = await fetch(confirm, { redirect: 'manual' });
    const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
    const exchange = new URL(graph('oauth/access_token'));
    exchange.search = new URLSearchParams({
      client_id: 'herald',
      client_secret: 'secret',
      redirect_uri: redirect,
      code,
    }).toString();
    const user = (await (await fetch(exchange)).json()) as { access_token: string };
    const accounts = (await (
      await fetch(`${graph('me/accounts')}?access_token=${user.access_token}`)
    ).json()) as { data: Array<{ id: string; access_token: string }> };
    return accounts.data.find((a) => a.id === page)!.access_token;
  }

  it('refuses every token issued for the account before, and only that account’s', async () => {
    const used = `sbx-page-${PAGE}-used`;
    const neverUsed = `sbx-page-${PAGE}-spare`;
    const other = `sbx-page-${OTHER}-other`;
    const connected = await reconnect(PAGE);
    expect((await publish(used)).status).toBe(200);
    expect((await publish(connected)).status).toBe(200);

    const revoke = await control('POST', '/__sandbox/tokens/revoke', {
      platform: 'facebook',
      account: PAGE,
      subcode: 458,
    });
    expect(revoke).toEqual({ status: 200, body: { ok: true } });

    for (const token of [used, neverUsed, connected]) {
      const refused = await publish(token);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({
        code: 190,
        error_subcode: 458,
        type: 'OAuthException',
      });
    }
    expect((await publish(other, OTHER)).status).toBe(200);
  });

  it('takes the tokens of a new connection, until the account is revoked again', async () => {
    await control('POST', '/__sandbox/tokens/revoke', { platform: 'facebook', account: PAGE });
    const before = `sbx-page-${PAGE}-before`;
    expect((await publish(before)).body.error).toMatchObject({ code: 190, error_subcode: 460 });

    const fresh = await reconnect(PAGE);
    expect((await publish(fresh)).status).toBe(200);
    expect((await publish(before)).status).toBe(400);

    await control('POST', '/__sandbox/tokens/revoke', { platform: 'facebook', account: PAGE });
    expect((await publish(fresh)).body.error).toMatchObject({ code: 190, error_subcode: 460 });
  });

  it('makes every token work again on DELETE /__sandbox/tokens/revoked', async () => {
    const token = `sbx-page-${PAGE}-restored`;
    sandbox.revokeAccount('facebook', PAGE);
    sandbox.revokeToken(`sbx-page-${OTHER}-single`);
    expect((await publish(token)).status).toBe(400);
    expect(await control('DELETE', '/__sandbox/tokens/revoked')).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect((await publish(token)).status).toBe(200);
    expect((await publish(`sbx-page-${OTHER}-single`, OTHER)).status).toBe(200);
  });

  it('reaches refresh tokens and checkToken platforms too (X)', async () => {
    const user = '8200';
    sandbox.revokeAccount('x', user);
    const tweet = await fetch(`${sandbox.baseUrl('x')}/2/tweets`, {
      method: 'POST',
      headers: { authorization: `Bearer sbx-x-${user}-dev`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'no' }),
    });
    expect(tweet.status).toBe(401);
    const refresh = await fetch(`${sandbox.baseUrl('x')}/2/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: `sbxr-x-${user}-dev`,
        client_id: 'herald',
      }),
    });
    expect(refresh.status).toBe(400);
  });

  it('says what is wrong with a request it cannot take', async () => {
    const noAccount = await control('POST', '/__sandbox/tokens/revoke', { platform: 'facebook' });
    expect(noAccount.status).toBe(400);
    expect(noAccount.body.error).toContain('account');
    const platform = await control('POST', '/__sandbox/tokens/revoke', {
      platform: 'myspace',
      account: '1',
    });
    expect(platform.status).toBe(400);
    expect(platform.body.error).toContain('platform');
    const emptyToken = await control('POST', '/__sandbox/tokens/revoke', { token: '' });
    expect(emptyToken.status).toBe(400);
    expect(emptyToken.body.error).toContain('token');
  });
});

describe('settings', () => {
  const instagramCap = async (s: Sandbox) => {
    const response = await fetch(
      `${s.baseUrl('instagram')}/v21.0/17841400000000001/content_publishing_limit?fields=config&access_token=sbx-instagram-17841400000000001-dev`,
    );
    const body = (await response.json()) as { data: Array<{ config: { quota_total: number } }> };
    return body.data[0]!.config.quota_total;
  };

  it('lists each platform’s settings, and changes the fields given, which the platform then uses', async () => {
    const all = await control('GET', '/__sandbox/settings');
    expect(all.body.settings).toMatchObject({
      instagram: { processingPolls: 1, publishCap: 50 },
      x: { processingPolls: 2, checkAfterSecs: 1, tweetsPer15Min: 100 },
    });
    const changed = await control('POST', '/__sandbox/settings/instagram', { publishCap: 2 });
    expect(changed).toEqual({
      status: 200,
      body: { settings: { processingPolls: 1, publishCap: 2 } },
    });
    expect(await instagramCap(sandbox)).toBe(2);
    expect(sandbox.settings().instagram.publishCap).toBe(2);
    expect((await control('GET', '/__sandbox/settings/instagram')).body.settings).toEqual({
      processingPolls: 1,
      publishCap: 2,
    });
  });

  it('refuses a bad value, an unknown field and a platform without settings, changing nothing', async () => {
    const before = sandbox.settings().x;
    const negative = await control('POST', '/__sandbox/settings/x', { processingPolls: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.error).toContain('processingPolls');
    const unknown = await control('POST', '/__sandbox/settings/x', { pollz: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toContain('pollz');
    expect((await control('POST', '/__sandbox/settings/x', [1])).status).toBe(400);
    expect(sandbox.settings().x).toEqual(before);
    const facebook = await control('POST', '/__sandbox/settings/facebook', {});
    expect(facebook.status).toBe(404);
    expect(facebook.body.error).toBe(
      'The sandbox has no settings for "facebook"; platforms with settings: instagram, x.',
    );
  });

  it('still answers the platforms’ old settings paths, as they did', async () => {
    const x = await fetch(`${sandbox.baseUrl('x')}/__sandbox/settings`, {
      method: 'POST',
      body: JSON.stringify({ tweetsPer15Min: 5 }),
    });
    expect(await x.json()).toEqual({
      settings: { processingPolls: 2, checkAfterSecs: 1, tweetsPer15Min: 5 },
    });
    const config = `${sandbox.baseUrl('instagram')}/__sandbox/config`;
    const posted = await fetch(config, {
      method: 'POST',
      body: JSON.stringify({ processingPolls: 4 }),
    });
    expect(await posted.json()).toEqual({ processingPolls: 4, publishCap: 2 });
    expect(await (await fetch(config)).json()).toEqual({ processingPolls: 4, publishCap: 2 });
    expect((await fetch(config, { method: 'PUT', body: '{}' })).status).toBe(405);
    expect(sandbox.settings()).toMatchObject({
      x: { tweetsPer15Min: 5 },
      instagram: { processingPolls: 4 },
    });
  });

  it('takes them as a typed startSandbox option, and refuses a bad one with its name', async () => {
    const configured = await startSandbox({
      port: 0,
      platformSettings: { instagram: { publishCap: 3 } },
    });
    try {
      expect(await instagramCap(configured)).toBe(3);
    } finally {
      await configured.close();
    }
    await expect(
      startSandbox({ port: 0, platformSettings: { x: { processingPolls: 1000 } } }),
    ).rejects.toThrow(/Invalid sandbox settings: .*\n.*processingPolls/);
  });
});

describe('token lifetimes', () => {
  it('takes seconds for every platform or per platform, and reports them', async () => {
    expect(await control('GET', '/__sandbox/token-ttl')).toEqual({
      status: 200,
      body: { accessTokenTtlSeconds: {} },
    });
    const every = await control('PUT', '/__sandbox/token-ttl', 60);
    expect(every.body.accessTokenTtlSeconds).toEqual(
      Object.fromEntries(SANDBOX_PLATFORMS.map((p) => [p, 60])),
    );
    const some = await control('PUT', '/__sandbox/token-ttl', { x: 120, linkedin: 0 });
    expect(some.body).toEqual({ accessTokenTtlSeconds: { x: 120, linkedin: 0 } });
    expect((await control('GET', '/__sandbox/token-ttl')).body).toEqual(some.body);
  });

  it('refuses a negative lifetime or an unknown platform, changing nothing', async () => {
    const before = (await control('GET', '/__sandbox/token-ttl')).body;
    const negative = await control('PUT', '/__sandbox/token-ttl', { x: -5 });
    expect(negative.status).toBe(400);
    expect(negative.body.error).toContain('cannot be negative');
    const unknown = await control('PUT', '/__sandbox/token-ttl', { myspace: 5 });
    expect(unknown.status).toBe(400);
    expect((await control('GET', '/__sandbox/token-ttl')).body).toEqual(before);
  });

  it('changes the object platforms read in place, so a reference taken at start stays current', () => {
    const store = new SandboxStore();
    const seen = store.settings.accessTokenTtlSeconds;
    store.settings.setTokenTtl({ youtube: 30 });
    expect(seen).toEqual({ youtube: 30 });
    store.settings.setTokenTtl({});
    expect(seen).toEqual({});
  });

  it('reads SANDBOX_TOKEN_TTL_SECONDS as seconds or JSON, and names it when it is wrong', () => {
    expect(SandboxEnv.parse({ SANDBOX_TOKEN_TTL_SECONDS: '60' }).SANDBOX_TOKEN_TTL_SECONDS).toEqual(
      Object.fromEntries(SANDBOX_PLATFORMS.map((p) => [p, 60])),
    );
    expect(
      SandboxEnv.parse({ SANDBOX_TOKEN_TTL_SECONDS: '{"x":60}' }).SANDBOX_TOKEN_TTL_SECONDS,
    ).toEqual({ x: 60 });
    expect(SandboxEnv.parse({}).SANDBOX_TOKEN_TTL_SECONDS).toBeUndefined();
    const wrong = SandboxEnv.safeParse({ SANDBOX_TOKEN_TTL_SECONDS: 'a minute' });
    expect(wrong.error?.issues[0]).toMatchObject({ path: ['SANDBOX_TOKEN_TTL_SECONDS'] });
    expect(wrong.error?.issues[0]?.message).toContain('must be seconds such as 60');
  });
});
