// X's OAuth 2.0 Authorization Code Flow with PKCE (docs.x.com, "OAuth 2.0 Authorization Code
// Flow with PKCE"): the consent page at `GET /i/oauth2/authorize` (x.com in production; here
// `/x/i/oauth2/authorize`), where the person picks which sandbox X user they are and authorizes
// the app; the token endpoint `POST /2/oauth2/token` for both grants (authorization_code with
// the PKCE code_verifier, refresh_token); and `POST /2/oauth2/revoke`. Confidential clients
// authenticate with Basic credentials, public ones send client_id in the form.
// Refresh tokens rotate: each exchange answers a new one and spends the old, and a spent or
// revoked one fails with `invalid_request` as X answers (◐ observed). Access tokens live
// `ctx.accessTokenTtlSeconds.x ?? 7200` seconds; a refresh token is issued only with the
// `offline.access` scope. Authorization codes are single use and live 30 seconds (◐).
// Sandbox convention: a refresh token for user U is `sbxr-x-<U>-<suffix>`; any such token not
// yet spent or revoked is good once (the demo seed and tests mint the first one), and access
// tokens are `sbx-x-<U>-<suffix>` (../../tokens.ts).
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, layout } from '../../html.ts';
import { html, json, send, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { sandboxToken } from '../../tokens.ts';
import { oauthErrorReply } from './errors.ts';
import { readRaw } from './request.ts';
import { xState, type XAuthorizationCode } from './state.ts';

/** The X users the sandbox's person can sign in as (the demo seed's account among them). */
export const SANDBOX_X_USERS = [
  { id: '2000000001', username: 'northwind_coffee', name: 'Northwind Coffee' },
  { id: '2000000002', username: 'fjord_outdoor', name: 'Fjord Outdoor' },
  { id: '2000000004', username: 'sandbox_bakery', name: 'Sandbox Bakery' },
] as const;

/** A user the sandbox knows by id; tokens minted for other ids get a made-up profile. */
export function sandboxXUser(id: string): { id: string; username: string; name: string } {
  return (
    SANDBOX_X_USERS.find((u) => u.id === id) ?? {
      id,
      username: `sandbox_${id}`,
      name: `Sandbox user ${id}`,
    }
  );
}

const REFRESH_TOKEN = /^sbxr-x-(\d+)-[A-Za-z0-9]+$/;
/** X's access tokens live two hours. */
const DEFAULT_EXPIRES_IN = 7200;
/** ◐ X's codes are short-lived (30 seconds). */
const CODE_MS = 30_000;
const ALL_SCOPES = 'tweet.read tweet.write users.read offline.access media.write';
/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const INVALID_CODE = 'Value passed for the authorization code was invalid.';

const suffix = () =>
  randomBytes(9)
    .toString('base64url')
    .replace(/[^A-Za-z0-9]/g, '') || 'x';

interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  scope: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256' | 'plain';
}

/** The authorize request's parameters, or why the consent page cannot be shown. */
function readAuthorizeRequest(params: URLSearchParams): AuthorizeRequest | { problem: string } {
  const get = (name: string) => params.get(name) ?? '';
  if (get('response_type') !== 'code') return { problem: 'response_type must be "code".' };
  if (!get('client_id')) return { problem: 'client_id is missing.' };
  if (!/^https?:\/\//.test(get('redirect_uri'))) {
    return { problem: 'redirect_uri must be an http(s) URL registered for the app.' };
  }
  if (!get('state')) return { problem: 'state is missing.' };
  if (!get('scope').trim()) return { problem: 'scope is missing.' };
  if (!get('code_challenge')) return { problem: 'code_challenge is missing (X requires PKCE).' };
  const method = get('code_challenge_method') || 'plain';
  if (method !== 'S256' && method !== 'plain') {
    return { problem: 'code_challenge_method must be S256 or plain.' };
  }
  return {
    clientId: get('client_id'),
    redirectUri: get('redirect_uri'),
    state: get('state'),
    scope: get('scope').trim().split(/\s+/).join(' '),
    codeChallenge: get('code_challenge'),
    codeChallengeMethod: method,
  };
}

function errorPage(problem: string): Reply {
  return html(
    400,
    layout(
      'Something went wrong',
      `<h1>Something went wrong</h1>
<p>You weren’t able to give access to the App. Go back and try logging in again.</p>
<p class="muted">${escapeHtml(problem)}</p>`,
    ),
  );
}

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** GET /i/oauth2/authorize: the consent page, listing the X users to sign in as. */
export function authorizePage(url: URL): Reply {
  const request = readAuthorizeRequest(url.searchParams);
  if ('problem' in request) return errorPage(request.problem);
  const hidden = [...url.searchParams]
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('');
  const users = SANDBOX_X_USERS.map(
    (u, i) =>
      `<li><label><input type="radio" name="user_id" value="${u.id}"${i === 0 ? ' checked' : ''}> ${escapeHtml(u.name)} <span class="muted">@${escapeHtml(u.username)}</span></label></li>`,
  ).join('\n');
  const cancel = withQuery(request.redirectUri, { error: 'access_denied', state: request.state });
  return html(
    200,
    layout(
      'Authorize app on X',
      `<h1>Herald wants to access your X account</h1>
<p class="muted">App ${escapeHtml(request.clientId)} asks for: ${escapeHtml(request.scope)}.</p>
<form method="post" action="${escapeHtml(url.pathname)}">
${hidden}
<fieldset><legend>Sign in as</legend>
<ul class="users">${users}</ul>
</fieldset>
<p><button type="submit">Authorize app</button> <a href="${escapeHtml(cancel)}">Cancel</a></p>
</form>`,
    ),
  );
}

/** POST /i/oauth2/authorize: the person authorized as one user; back to the app with a code. */
export async function authorizeSubmit(req: IncomingMessage, ctx: SandboxContext): Promise<Reply> {
  const form = new URLSearchParams((await readRaw(req, 64 * 1024)).toString('utf8'));
  const request = readAuthorizeRequest(form);
  if ('problem' in request) return errorPage(request.problem);
  const user = SANDBOX_X_USERS.find((u) => u.id === form.get('user_id'));
  if (!user) return errorPage('Pick the X account to authorize the app for.');
  const code = `sbx-xcode-${suffix()}`;
  const grant: XAuthorizationCode = {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    userId: user.id,
    scope: request.scope,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    expiresAt: Date.now() + CODE_MS,
    used: false,
  };
  xState(ctx.store).codes.set(code, grant);
  return {
    status: 302,
    headers: { location: withQuery(request.redirectUri, { state: request.state, code }) },
    body: '',
  };
}

/** The client a token request authenticates as: Basic credentials, or client_id in the form. */
function clientOf(req: IncomingMessage, form: URLSearchParams): string | null {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (basic) return Buffer.from(basic, 'base64').toString().split(':')[0] || null;
  return form.get('client_id');
}

async function readTokenForm(req: IncomingMessage): Promise<URLSearchParams | Reply> {
  const raw = (await readRaw(req, 64 * 1024)).toString('utf8');
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return oauthErrorReply('invalid_request', 'Missing required parameter [grant_type].');
  }
  return new URLSearchParams(raw);
}

const isReply = (value: URLSearchParams | Reply): value is Reply => 'status' in value;

/** Issues an access token (and, with offline.access, a refresh token) for `userId`. */
function issueTokens(ctx: SandboxContext, userId: string, scope: string): Reply {
  const state = xState(ctx.store);
  const expiresIn = ctx.accessTokenTtlSeconds.x ?? DEFAULT_EXPIRES_IN;
  const accessToken = ctx.store.tokenIssued(sandboxToken('x', userId, suffix()));
  state.accessTokens.set(accessToken, Date.now() + expiresIn * 1000);
  const offline = scope.split(' ').includes('offline.access');
  return json(200, {
    token_type: 'bearer',
    expires_in: expiresIn,
    access_token: accessToken,
    scope,
    ...(offline ? { refresh_token: ctx.store.tokenIssued(`sbxr-x-${userId}-${suffix()}`) } : {}),
  });
}

/** POST /2/oauth2/token: authorization_code (with PKCE) or refresh_token. */
export async function tokenEndpoint(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
): Promise<void> {
  const form = await readTokenForm(req);
  if (isReply(form)) return send(res, form);
  const clientId = clientOf(req, form);
  if (!clientId) {
    return send(res, oauthErrorReply('unauthorized_client', 'Missing valid authorization header'));
  }
  const grant = form.get('grant_type');
  if (grant === 'authorization_code') return send(res, exchangeCode(form, clientId, ctx));
  if (grant === 'refresh_token') return send(res, refresh(form, ctx));
  send(res, oauthErrorReply('invalid_request', 'Missing required parameter [grant_type].'));
}

function exchangeCode(form: URLSearchParams, clientId: string, ctx: SandboxContext): Reply {
  for (const name of ['code', 'redirect_uri', 'code_verifier']) {
    if (!form.get(name)) {
      return oauthErrorReply('invalid_request', `Missing required parameter [${name}].`);
    }
  }
  const code = form.get('code')!;
  const verifier = form.get('code_verifier')!;
  const grant = xState(ctx.store).codes.get(code);
  // X answers every unusable code alike: unknown, used, expired, another client's, another
  // redirect, or a verifier that does not match the challenge. A refusal does not spend it.
  if (
    !grant ||
    grant.used ||
    grant.expiresAt <= Date.now() ||
    grant.clientId !== clientId ||
    grant.redirectUri !== form.get('redirect_uri') ||
    !VERIFIER.test(verifier) ||
    challengeOf(verifier, grant.codeChallengeMethod) !== grant.codeChallenge
  ) {
    return oauthErrorReply('invalid_request', INVALID_CODE);
  }
  grant.used = true;
  return issueTokens(ctx, grant.userId, grant.scope);
}

function challengeOf(verifier: string, method: 'S256' | 'plain'): string {
  return method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
}

function refresh(form: URLSearchParams, ctx: SandboxContext): Reply {
  const token = form.get('refresh_token');
  if (!token) {
    return oauthErrorReply('invalid_request', 'Missing required parameter [refresh_token].');
  }
  const state = xState(ctx.store);
  const userId = REFRESH_TOKEN.exec(token)?.[1];
  if (!userId || state.spentRefreshTokens.has(token) || ctx.store.revocation(token) !== undefined) {
    return oauthErrorReply('invalid_request', 'Value passed for the token was invalid.');
  }
  state.spentRefreshTokens.add(token);
  return issueTokens(ctx, userId, ALL_SCOPES);
}

/** POST /2/oauth2/revoke: an access or refresh token stops working. */
export async function revokeEndpoint(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
): Promise<void> {
  const form = await readTokenForm(req);
  if (isReply(form)) return send(res, form);
  if (!clientOf(req, form)) {
    return send(res, oauthErrorReply('unauthorized_client', 'Missing valid authorization header'));
  }
  const token = form.get('token');
  if (!token) {
    return send(res, oauthErrorReply('invalid_request', 'Missing required parameter [token].'));
  }
  // RFC 7009: an unknown token is not an error; X answers the same for it.
  ctx.store.revokeToken({ token });
  send(res, json(200, { revoked: true }));
}
