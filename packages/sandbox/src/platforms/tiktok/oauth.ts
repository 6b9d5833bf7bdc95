// TikTok Login Kit with OAuth v2 (developers.tiktok.com "Login Kit for Web", "Manage User Access
// Tokens"): the consent page at `/v2/auth/authorize/` (on www.tiktok.com; here under /tiktok) where
// a person picks the one TikTok account to grant, `POST /v2/oauth/token/` (form body with
// client_key — TikTok's name for the client id — client_secret, code, grant_type, redirect_uri,
// code_verifier where PKCE was used; or grant_type=refresh_token), and `POST /v2/oauth/revoke/`.
// Refresh tokens rotate: each refresh answers a new one and spends the old.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, layout } from '../../html.ts';
import { html, json, send, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { sandboxToken } from '../../tokens.ts';
import { oauthErrorReply } from './errors.ts';
import { contentTypeOf, KNOWN_SCOPES, readRaw } from './request.ts';
import { creatorOf, nowOf, SANDBOX_CREATORS, tiktokState, type TikTokState } from './state.ts';

/** TikTok's documented lifetimes: access tokens 24 hours, refresh tokens 365 days. */
export const ACCESS_TOKEN_TTL_S = 24 * 60 * 60;
export const REFRESH_TOKEN_TTL_S = 365 * 24 * 60 * 60;
const CODE_TTL_MS = 10 * 60_000;
const REFRESH_TOKEN = /^sbxr-tiktok-([A-Za-z0-9:._]+)-[A-Za-z0-9]+$/;

/** A refresh token for `openId`, as tests and the demo seed mint them (good once). */
export const tiktokRefreshToken = (openId: string, suffix = 'dev') =>
  `sbxr-tiktok-${openId}-${suffix}`;

const suffix = () => randomBytes(12).toString('hex');

function redirect(location: string): Reply {
  return { status: 302, headers: { location }, body: '' };
}

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

const errorPage = (message: string): Reply =>
  html(
    400,
    layout(
      'TikTok authorization error',
      `<h1>Something went wrong</h1><p>${escapeHtml(message)}</p>`,
    ),
  );

interface AuthorizeParams {
  clientKey: string;
  redirectUri: string;
  state: string;
  scopes: string[];
  codeChallenge: string;
  codeChallengeMethod: string;
}

/** The authorize request's parameters, or the sentence TikTok's error page would show. */
function authorizeParams(url: URL): AuthorizeParams | string {
  const q = url.searchParams;
  const params = {
    clientKey: q.get('client_key') ?? '',
    redirectUri: q.get('redirect_uri') ?? '',
    state: q.get('state') ?? '',
    scopes: (q.get('scope') ?? '').split(',').filter(Boolean),
    codeChallenge: q.get('code_challenge') ?? '',
    codeChallengeMethod: q.get('code_challenge_method') ?? '',
  };
  if (!params.clientKey) return 'client_key is required.';
  if (q.get('response_type') !== 'code') return 'response_type must be code.';
  if (!/^https?:\/\/[^#]+$/.test(params.redirectUri)) {
    return 'redirect_uri must be an absolute http(s) URI without a fragment.';
  }
  if (params.scopes.length === 0) return 'scope is required.';
  const unknown = params.scopes.find((s) => !(KNOWN_SCOPES as readonly string[]).includes(s));
  if (unknown) return `The scope ${unknown} is not valid.`;
  if (params.codeChallenge && !['S256', 'plain'].includes(params.codeChallengeMethod || 'plain')) {
    return 'code_challenge_method must be S256.';
  }
  return params;
}

/** GET /v2/auth/authorize/: the consent page, one TikTok account to choose. */
export function authorizePage(url: URL, ctx: SandboxContext): Reply {
  const params = authorizeParams(url);
  if (typeof params === 'string') return errorPage(params);
  const state = tiktokState(ctx.store);
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const accounts = SANDBOX_CREATORS.map((c, i) => {
    const creator = creatorOf(state, c.openId);
    return `<li><label><input type="radio" name="open_id" value="${escapeHtml(c.openId)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(creator.nickname)} <span class="muted">@${escapeHtml(creator.username)}</span></label></li>`;
  }).join('\n');
  const cancel = withQuery(params.redirectUri, {
    error: 'access_denied',
    error_description: 'The user denied the authorization request.',
    ...(params.state ? { state: params.state } : {}),
  });
  return html(
    200,
    layout(
      'Authorize with TikTok',
      `<h1>Herald would like to access your TikTok account</h1>
<p class="muted">App ${escapeHtml(params.clientKey)} asks for: ${params.scopes.map(escapeHtml).join(', ')}.</p>
<form method="get" action="${escapeHtml(url.pathname.replace(/\/?$/, '/'))}confirm">
${hidden('client_key', params.clientKey)}${hidden('redirect_uri', params.redirectUri)}${hidden('state', params.state)}${hidden('scope', params.scopes.join(','))}${hidden('response_type', 'code')}${hidden('code_challenge', params.codeChallenge)}${hidden('code_challenge_method', params.codeChallengeMethod)}
<p>Continue as:</p>
<ul class="accounts">${accounts}</ul>
<p><button type="submit">Authorize</button> <a href="${escapeHtml(cancel)}">Cancel</a></p>
</form>`,
    ),
  );
}

/** GET /v2/auth/authorize/confirm: the person chose; back to the app with a single-use code. */
export function confirm(url: URL, ctx: SandboxContext): Reply {
  const params = authorizeParams(url);
  if (typeof params === 'string') return errorPage(params);
  const openId = url.searchParams.get('open_id') ?? '';
  if (!SANDBOX_CREATORS.some((c) => c.openId === openId)) {
    return errorPage('Choose one of the listed accounts.');
  }
  const state = tiktokState(ctx.store);
  const code = `sbx-code-${randomBytes(16).toString('base64url')}`;
  state.codes.set(code, {
    clientKey: params.clientKey,
    redirectUri: params.redirectUri,
    openId,
    scopes: params.scopes,
    codeChallenge: params.codeChallenge || null,
    codeChallengeMethod: params.codeChallenge ? params.codeChallengeMethod || 'plain' : null,
    expiresAt: nowOf(state) + CODE_TTL_MS,
    used: false,
  });
  return redirect(
    withQuery(params.redirectUri, {
      code,
      scopes: params.scopes.join(','),
      ...(params.state ? { state: params.state } : {}),
    }),
  );
}

/** Mints an access and a refresh token for `openId`, remembered with their scopes and ends. */
function issueTokens(ctx: SandboxContext, state: TikTokState, openId: string, scopes: string[]) {
  const now = nowOf(state);
  const ttl = ctx.accessTokenTtlSeconds.tiktok ?? ACCESS_TOKEN_TTL_S;
  const accessToken = ctx.store.tokenIssued(sandboxToken('tiktok', openId, suffix()));
  const refreshToken = tiktokRefreshToken(openId, suffix());
  state.accessTokens.set(accessToken, { openId, scopes, expiresAt: now + ttl * 1000 });
  state.refreshTokens.set(refreshToken, {
    openId,
    scopes,
    expiresAt: now + REFRESH_TOKEN_TTL_S * 1000,
  });
  return {
    access_token: accessToken,
    expires_in: ttl,
    open_id: openId,
    refresh_expires_in: REFRESH_TOKEN_TTL_S,
    refresh_token: refreshToken,
    scope: scopes.join(','),
    token_type: 'Bearer',
  };
}

/** S256: BASE64URL(SHA256(verifier)) (RFC 7636 §4.2); plain: the verifier itself. */
function challengeMatches(method: string, challenge: string, verifier: string): boolean {
  if (method === 'plain') return challenge === verifier;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

/** POST /v2/oauth/token/: an authorization code, or a refresh token, for tokens. */
export async function token(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext) {
  const raw = (await readRaw(req, 64 * 1024)).toString('utf8');
  if (contentTypeOf(req) !== 'application/x-www-form-urlencoded') {
    return send(
      res,
      oauthErrorReply('invalid_request', 'Content-Type must be application/x-www-form-urlencoded.'),
    );
  }
  const form = new URLSearchParams(raw);
  for (const name of ['client_key', 'client_secret', 'grant_type']) {
    if (!form.get(name)) {
      return send(res, oauthErrorReply('invalid_request', `${name} is required.`));
    }
  }
  const state = tiktokState(ctx.store);
  const now = nowOf(state);
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') {
    const grant = state.codes.get(form.get('code') ?? '');
    if (!grant || grant.used || grant.expiresAt <= now) {
      return send(
        res,
        oauthErrorReply('invalid_grant', 'Authorization code is expired or invalid.'),
      );
    }
    if (grant.clientKey !== form.get('client_key')) {
      return send(res, oauthErrorReply('invalid_client', 'Client key or secret is incorrect.'));
    }
    if (grant.redirectUri !== form.get('redirect_uri')) {
      return send(
        res,
        oauthErrorReply(
          'invalid_grant',
          'redirect_uri must be the same as the one used for requesting the code.',
        ),
      );
    }
    if (grant.codeChallenge) {
      const verifier = form.get('code_verifier') ?? '';
      if (
        !verifier ||
        !challengeMatches(grant.codeChallengeMethod!, grant.codeChallenge, verifier)
      ) {
        return send(
          res,
          oauthErrorReply('invalid_grant', 'Code verifier or code challenge is invalid.'),
        );
      }
    }
    grant.used = true;
    return send(res, json(200, issueTokens(ctx, state, grant.openId, grant.scopes)));
  }
  if (grantType === 'refresh_token') {
    const refreshToken = form.get('refresh_token') ?? '';
    const openId = REFRESH_TOKEN.exec(refreshToken)?.[1];
    const issued = state.refreshTokens.get(refreshToken);
    if (
      !openId ||
      state.spentRefreshTokens.has(refreshToken) ||
      ctx.store.revocation(refreshToken) !== undefined ||
      (issued && issued.expiresAt <= now)
    ) {
      return send(res, oauthErrorReply('invalid_grant', 'Refresh token is invalid or expired.'));
    }
    state.spentRefreshTokens.add(refreshToken);
    state.refreshTokens.delete(refreshToken);
    return send(
      res,
      json(200, issueTokens(ctx, state, openId, issued?.scopes ?? [...KNOWN_SCOPES])),
    );
  }
  return send(res, oauthErrorReply('unsupported_grant_type', 'grant_type is not supported.'));
}

/**
 * POST /v2/oauth/revoke/: the access token stops working, and so do the refresh tokens issued
 * with the account's grant (TikTok disconnects the app from the account). `{}` on success.
 */
export async function revoke(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext) {
  const raw = (await readRaw(req, 64 * 1024)).toString('utf8');
  if (contentTypeOf(req) !== 'application/x-www-form-urlencoded') {
    return send(
      res,
      oauthErrorReply('invalid_request', 'Content-Type must be application/x-www-form-urlencoded.'),
    );
  }
  const form = new URLSearchParams(raw);
  for (const name of ['client_key', 'client_secret', 'token']) {
    if (!form.get(name)) {
      return send(res, oauthErrorReply('invalid_request', `${name} is required.`));
    }
  }
  const accessToken = form.get('token')!;
  const state = tiktokState(ctx.store);
  const openId = /^sbx-tiktok-([A-Za-z0-9:._]+)-[A-Za-z0-9]+$/.exec(accessToken)?.[1];
  if (openId) {
    ctx.store.revokeToken({ token: accessToken });
    for (const [refreshToken, issued] of state.refreshTokens) {
      if (issued.openId === openId) {
        state.spentRefreshTokens.add(refreshToken);
        state.refreshTokens.delete(refreshToken);
      }
    }
  }
  send(res, json(200, {}));
}
