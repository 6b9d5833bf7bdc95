// Google's OAuth 2.0 for web server applications, as YouTube uses it (developers.google.com/
// identity/protocols/oauth2/web-server): the consent page at /o/oauth2/v2/auth (on
// accounts.google.com), and the token and revoke endpoints (on oauth2.googleapis.com):
//   authorize  client_id, redirect_uri, response_type=code, scope, state, access_type=offline,
//              prompt, code_challenge + code_challenge_method (S256 or plain)
//   /token     authorization_code (PKCE checked) or refresh_token; client credentials in the
//              form or as HTTP Basic
//   /revoke    token=… (access or refresh): the whole grant dies
// On the consent page the person picks ONE channel (their own or a brand account's), as
// Google's account chooser does, and may untick scopes (granular consent). A grant speaks for
// that channel only. Access tokens live an hour (`expires_in` 3599) unless the sandbox is told
// otherwise. Refresh answers a new refresh token and spends the old one (`rotateRefreshTokens`):
// Google may return a new refresh token, and Herald must keep the newest.
// Sandbox convention: refresh tokens are `sbxr-youtube-<channel id>-<suffix>`; one nobody issued
// (tests, the demo seed) is good once, for the scopes Herald asks for.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, layout } from '../../html.ts';
import { html, json, readBody, send, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { sandboxToken } from '../../tokens.ts';
import { oauthError } from './errors.ts';
import { contentTypeOf, SCOPES } from './request.ts';
import { nowMs, SANDBOX_CHANNELS, youtubeState, type Grant } from './state.ts';

const ACCESS_TOKEN_SECONDS = 3599;
const CODE_LIFETIME_MS = 10 * 60_000;
const REFRESH_TOKEN = /^sbxr-youtube-([A-Za-z0-9_]+)-[A-Za-z0-9]+$/;

/** A refresh token for `channelId`, as tests and the seed mint them. */
export const youtubeRefreshToken = (channelId: string, suffix = 'dev') =>
  `sbxr-youtube-${channelId}-${suffix}`;

const SCOPE_LABELS: Record<string, string> = {
  [SCOPES.upload]: 'Manage your YouTube videos',
  [SCOPES.readonly]: 'View your YouTube account',
  [SCOPES.manage]: 'Manage your YouTube account',
  [SCOPES.forceSsl]:
    'See, edit, and permanently delete your YouTube videos, ratings, comments and captions',
};

const suffix = () =>
  randomBytes(12)
    .toString('base64url')
    .replace(/[^A-Za-z0-9]/g, '') || 'x';

function redirect(location: string): Reply {
  return { status: 302, headers: { location }, body: '' };
}

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** Google's error page for a malformed authorization request ("Error 400: invalid_request"). */
function authorizeError(detail: string): Reply {
  return html(
    400,
    layout(
      'Error 400: invalid_request',
      `<h1>Access blocked: Authorization Error</h1><p>Error 400: invalid_request</p><p>${escapeHtml(detail)}</p>`,
    ),
  );
}

interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  scopes: string[];
  offline: boolean;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
}

function readAuthorizeRequest(q: URLSearchParams): AuthorizeRequest | Reply {
  const clientId = q.get('client_id') ?? '';
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!clientId) return authorizeError('Missing required parameter: client_id');
  if (!/^https?:\/\//.test(redirectUri)) {
    return authorizeError('Missing required parameter: redirect_uri');
  }
  if (q.get('response_type') !== 'code') {
    return authorizeError(
      q.get('response_type')
        ? `Invalid response_type: ${q.get('response_type')}`
        : 'Missing required parameter: response_type',
    );
  }
  const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
  if (scopes.length === 0) return authorizeError('Missing required parameter: scope');
  const unknown = scopes.find((s) => !SCOPE_LABELS[s]);
  if (unknown) return authorizeError(`Some requested scopes were invalid: ${unknown}`);
  const accessType = q.get('access_type') ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') {
    return authorizeError(`Invalid access_type: ${accessType}`);
  }
  const codeChallenge = q.get('code_challenge');
  const method = q.get('code_challenge_method') ?? (codeChallenge ? 'plain' : null);
  if (method !== null && method !== 'S256' && method !== 'plain') {
    return authorizeError(`Invalid code_challenge_method: ${method}`);
  }
  if (method !== null && !codeChallenge) {
    return authorizeError('Missing code_challenge for code_challenge_method');
  }
  return {
    clientId,
    redirectUri,
    state: q.get('state') ?? '',
    scopes,
    offline: accessType === 'offline',
    codeChallenge,
    codeChallengeMethod: method,
  };
}

/** `GET /o/oauth2/v2/auth`: choose a channel and the permissions to give. */
export function authorizePage(url: URL): Reply {
  const request = readAuthorizeRequest(url.searchParams);
  if ('status' in request) return request;
  const hidden = [...url.searchParams]
    .filter(([key]) => key !== 'channel' && key !== 'grant')
    .map(
      ([key, value]) =>
        `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`,
    )
    .join('');
  const channels = SANDBOX_CHANNELS.map(
    (c, i) =>
      `<li><label><input type="radio" name="channel" value="${c.id}"${i === 0 ? ' checked' : ''}> ${escapeHtml(c.title)} <span class="muted">${escapeHtml(c.customUrl)}${i === 0 ? '' : ' · brand account'}</span></label></li>`,
  ).join('\n');
  const scopes = request.scopes
    .map(
      (s) =>
        `<li><label><input type="checkbox" name="grant" value="${escapeHtml(s)}" checked> ${escapeHtml(SCOPE_LABELS[s]!)}</label></li>`,
    )
    .join('\n');
  const cancel = withQuery(request.redirectUri, {
    error: 'access_denied',
    ...(request.state ? { state: request.state } : {}),
  });
  return html(
    200,
    layout(
      'Sign in with Google',
      `<h1>Choose an account or brand account</h1>
<p class="muted">to continue to ${escapeHtml(request.clientId)}</p>
<form method="get" action="${url.pathname}/confirm">
${hidden}
<ul class="channels">${channels}</ul>
<h2>${escapeHtml(request.clientId)} wants to access your YouTube channel</h2>
<ul class="scopes">${scopes}</ul>
<p><button type="submit">Continue</button> <a href="${escapeHtml(cancel)}">Cancel</a></p>
</form>`,
    ),
  );
}

/** `GET /o/oauth2/v2/auth/confirm`: back to the app with a code (or access_denied). */
export function confirmConsent(url: URL, ctx: SandboxContext): Reply {
  const q = url.searchParams;
  const request = readAuthorizeRequest(q);
  if ('status' in request) return request;
  const back = (params: Record<string, string>) =>
    redirect(
      withQuery(request.redirectUri, {
        ...params,
        ...(request.state ? { state: request.state } : {}),
      }),
    );
  const channel = SANDBOX_CHANNELS.find((c) => c.id === q.get('channel'));
  const granted = request.scopes.filter((s) => q.getAll('grant').includes(s));
  if (!channel || granted.length === 0) return back({ error: 'access_denied' });
  const state = youtubeState(ctx.store);
  const grant: Grant = {
    id: suffix(),
    channelId: channel.id,
    clientId: request.clientId,
    scopes: granted,
    revoked: false,
  };
  state.grants.set(grant.id, grant);
  const code = `4/sbx-${suffix()}`;
  state.codes.set(code, {
    grantId: grant.id,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    offline: request.offline,
    expiresAt: nowMs(ctx) + CODE_LIFETIME_MS,
    used: false,
  });
  return back({ code, scope: granted.join(' ') });
}

/** Client credentials from HTTP Basic or the form (Google takes either). */
function clientOf(req: IncomingMessage, form: URLSearchParams) {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return {
      id: decodeURIComponent(decoded.slice(0, colon < 0 ? undefined : colon)),
      secret: colon < 0 ? '' : decodeURIComponent(decoded.slice(colon + 1)),
    };
  }
  return { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' };
}

function issueAccessToken(ctx: SandboxContext, grant: Grant): { token: string; expiresIn: number } {
  const expiresIn = ctx.accessTokenTtlSeconds.youtube ?? ACCESS_TOKEN_SECONDS;
  const token = ctx.store.tokenIssued(sandboxToken('youtube', grant.channelId, suffix()));
  youtubeState(ctx.store).accessTokens.set(token, {
    grantId: grant.id,
    expiresAt: nowMs(ctx) + expiresIn * 1000,
  });
  return { token, expiresIn };
}

function issueRefreshToken(ctx: SandboxContext, grant: Grant): string {
  const token = youtubeRefreshToken(grant.channelId, suffix());
  youtubeState(ctx.store).refreshTokens.set(token, grant.id);
  return token;
}

const EXPIRED_OR_REVOKED = 'Token has been expired or revoked.';

/** `POST /token`. */
export async function token(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext) {
  const raw = await readBody(req);
  if (contentTypeOf(req) !== 'application/x-www-form-urlencoded') {
    return send(res, oauthError('invalid_request', 'Invalid Content-Type: send a form'));
  }
  const form = new URLSearchParams(raw);
  const client = clientOf(req, form);
  if (!client.id) {
    return send(res, oauthError('invalid_client', 'The OAuth client was not found.', 401));
  }
  if (!client.secret) return send(res, oauthError('invalid_request', 'client_secret is missing.'));
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') return send(res, exchangeCode(ctx, form, client.id));
  if (grantType === 'refresh_token') return send(res, refresh(ctx, form, client.id));
  return send(
    res,
    grantType
      ? oauthError('unsupported_grant_type', `Invalid grant_type: ${grantType}`)
      : oauthError('invalid_request', 'Required parameter is missing: grant_type'),
  );
}

function exchangeCode(ctx: SandboxContext, form: URLSearchParams, clientId: string): Reply {
  const state = youtubeState(ctx.store);
  const code = state.codes.get(form.get('code') ?? '');
  if (!code) return oauthError('invalid_grant', 'Malformed auth code.');
  if (code.used || code.expiresAt <= nowMs(ctx) || code.clientId !== clientId) {
    return oauthError('invalid_grant', 'Bad Request');
  }
  if (form.get('redirect_uri') !== code.redirectUri) {
    return oauthError('redirect_uri_mismatch', 'Bad Request');
  }
  if (code.codeChallenge !== null) {
    const verifier = form.get('code_verifier');
    if (!verifier) return oauthError('invalid_grant', 'Missing code verifier.');
    const derived =
      code.codeChallengeMethod === 'S256'
        ? createHash('sha256').update(verifier).digest('base64url')
        : verifier;
    if (derived !== code.codeChallenge)
      return oauthError('invalid_grant', 'Invalid code verifier.');
  }
  code.used = true;
  const grant = state.grants.get(code.grantId)!;
  const access = issueAccessToken(ctx, grant);
  return json(200, {
    access_token: access.token,
    expires_in: access.expiresIn,
    ...(code.offline ? { refresh_token: issueRefreshToken(ctx, grant) } : {}),
    scope: grant.scopes.join(' '),
    token_type: 'Bearer',
  });
}

function refresh(ctx: SandboxContext, form: URLSearchParams, clientId: string): Reply {
  const state = youtubeState(ctx.store);
  const presented = form.get('refresh_token');
  if (!presented) return oauthError('invalid_request', 'Missing required parameter: refresh_token');
  const channelId = REFRESH_TOKEN.exec(presented)?.[1];
  if (
    !channelId ||
    state.spentRefreshTokens.has(presented) ||
    ctx.store.revocation(presented) !== undefined
  ) {
    return oauthError('invalid_grant', EXPIRED_OR_REVOKED);
  }
  let grant = state.grants.get(state.refreshTokens.get(presented) ?? '');
  if (!grant) {
    // A minted token: its grant begins now, for this client, with Herald's scopes.
    grant = {
      id: suffix(),
      channelId,
      clientId,
      scopes: [SCOPES.upload, SCOPES.readonly],
      revoked: false,
    };
    state.grants.set(grant.id, grant);
    state.refreshTokens.set(presented, grant.id);
  }
  if (grant.revoked) return oauthError('invalid_grant', EXPIRED_OR_REVOKED);
  if (grant.clientId !== clientId) return oauthError('unauthorized_client', 'Unauthorized');
  const access = issueAccessToken(ctx, grant);
  let rotated: string | undefined;
  if (state.settings.rotateRefreshTokens) {
    state.refreshTokens.delete(presented);
    state.spentRefreshTokens.add(presented);
    rotated = issueRefreshToken(ctx, grant);
  }
  return json(200, {
    access_token: access.token,
    expires_in: access.expiresIn,
    ...(rotated ? { refresh_token: rotated } : {}),
    scope: grant.scopes.join(' '),
    token_type: 'Bearer',
  });
}

/** `POST /revoke?token=…` (or the token in a form body): the grant and all its tokens die. */
export async function revoke(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  const raw = await readBody(req);
  const presented = url.searchParams.get('token') ?? new URLSearchParams(raw).get('token') ?? '';
  const state = youtubeState(ctx.store);
  const grantId = state.accessTokens.get(presented)?.grantId ?? state.refreshTokens.get(presented);
  const grant = grantId ? state.grants.get(grantId) : undefined;
  if (!grant || grant.revoked) {
    if (REFRESH_TOKEN.test(presented) && !state.spentRefreshTokens.has(presented)) {
      // A minted refresh token nobody used yet.
      state.spentRefreshTokens.add(presented);
      return send(res, json(200, {}));
    }
    return send(res, oauthError('invalid_token', 'Token expired or revoked'));
  }
  grant.revoked = true;
  for (const [refreshToken, id] of state.refreshTokens) {
    if (id !== grant.id) continue;
    state.refreshTokens.delete(refreshToken);
    state.spentRefreshTokens.add(refreshToken);
  }
  send(res, json(200, {}));
}
