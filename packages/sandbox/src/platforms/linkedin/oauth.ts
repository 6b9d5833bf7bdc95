// LinkedIn's 3-legged OAuth (Microsoft Learn, "Authorization Code Flow" and "Refresh Tokens with
// OAuth 2.0"), on www.linkedin.com in production and under /linkedin here:
//   GET  /oauth/v2/authorization   the consent page (response_type=code, client_id,
//                                  redirect_uri, state, space-separated scope); the sandbox
//                                  lets the member choose which of their organizations to grant
//   POST /oauth/v2/authorization   the member allowed: back to redirect_uri with code and state
//   POST /oauth/v2/accessToken     form: grant_type=authorization_code (code, redirect_uri) or
//                                  refresh_token (refresh_token), client_id and client_secret
// and OpenID Connect's `GET /v2/userinfo` on api.linkedin.com. Codes live 30 minutes, single
// use. Access tokens last `ctx.accessTokenTtlSeconds.linkedin ?? 60 days`; refresh tokens
// (programmatic refresh tokens, which LinkedIn gives approved partners — the sandbox always
// does) last 365 days from the member's authorization, and a refresh answers the same refresh
// token with the time it has left (refresh_token_expires_in): LinkedIn does not rotate them.
// Sandbox refresh tokens are `sbx-linkedin-refresh-<account urn>-<suffix>`; revoking one
// through the control API makes it fail with `invalid_grant`. The sandbox issues no id_token
// (Herald reads the member from /v2/userinfo).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, layout } from '../../html.ts';
import { html, json, readBody, send, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { sandboxToken } from '../../tokens.ts';
import { linkedinErrorReply, linkedinErrors, oauthError } from './errors.ts';
import { administeredOrganizations, SANDBOX_LINKEDIN_MEMBER } from './organizations.ts';
import { authenticate, isLinkedInError } from './request.ts';
import { linkedinState, type LinkedInGrant } from './state.ts';

export const ACCESS_TOKEN_TTL_S = 60 * 24 * 60 * 60;
export const REFRESH_TOKEN_TTL_S = 365 * 24 * 60 * 60;
const CODE_MS = 30 * 60_000;
const REFRESH_TOKEN = /^sbx-linkedin-refresh-([A-Za-z0-9:._]+)-[A-Za-z0-9]+$/;
/** Scopes the sandbox's app may ask for (its "products"); others are refused as LinkedIn does. */
const KNOWN_SCOPES = new Set([
  'openid',
  'profile',
  'email',
  'w_member_social',
  'r_organization_social',
  'w_organization_social',
  'rw_organization_admin',
  'r_basicprofile',
]);
/** What tokens minted by the convention (tests, the seed) are said to carry. */
const CONVENTION_SCOPE =
  'r_basicprofile,w_member_social,w_organization_social,r_organization_social';

/** A refresh token for `accountId` (a person or organization URN), as tests mint them. */
export const linkedinRefreshToken = (accountId: string, suffix = 'dev') =>
  `sbx-linkedin-refresh-${accountId}-${suffix}`;

const INVALID_GRANT =
  'The provided authorization grant or refresh token is invalid, expired or revoked';
// ◐ LinkedIn's answer to any code it will not exchange.
const INVALID_CODE =
  'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists';

const suffix = () => randomBytes(9).toString('hex');

interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  scope: string[];
}

/** The request's parameters; a problem to show (no usable redirect) or to redirect with. */
function readAuthorization(
  params: URLSearchParams,
): AuthorizationRequest | { page: string } | { redirect: Record<string, string>; to: string } {
  const get = (name: string) => params.get(name) ?? '';
  if (!get('client_id')) return { page: 'The client_id parameter is missing.' };
  if (!/^https?:\/\//.test(get('redirect_uri'))) {
    return { page: 'The redirect_uri does not match the registered value.' };
  }
  const to = get('redirect_uri');
  const state: Record<string, string> = get('state') ? { state: get('state') } : {};
  if (get('response_type') !== 'code') {
    return {
      to,
      redirect: {
        error: 'invalid_request',
        error_description: 'The response_type must be code',
        ...state,
      },
    };
  }
  const scope = get('scope')
    .split(/[\s,]+/)
    .filter(Boolean);
  const unknown = scope.find((s) => !KNOWN_SCOPES.has(s));
  if (scope.length === 0 || unknown) {
    return {
      to,
      redirect: {
        error: 'unauthorized_scope_error',
        error_description: unknown
          ? `Scope "${unknown}" is not authorized for your application`
          : 'A scope is required',
        ...state,
      },
    };
  }
  return { clientId: get('client_id'), redirectUri: to, state: get('state'), scope };
}

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

const redirect = (location: string): Reply => ({ status: 302, headers: { location }, body: '' });

function problemPage(problem: string): Reply {
  return html(400, layout('Bad request', `<h1>Bad request</h1><p>${escapeHtml(problem)}</p>`));
}

/** GET /oauth/v2/authorization: the consent page (the member and their organizations). */
export function authorizationPage(url: URL): Reply {
  const request = readAuthorization(url.searchParams);
  if ('page' in request) return problemPage(request.page);
  if ('redirect' in request) return redirect(withQuery(request.to, request.redirect));
  const hidden = [...url.searchParams]
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('');
  const member = SANDBOX_LINKEDIN_MEMBER;
  const organizations = administeredOrganizations(member.urn)
    .map(
      (o) =>
        `<li><label><input type="checkbox" name="organization" value="${o.id}" checked> ${escapeHtml(o.name)} <span class="muted">(${o.id})</span></label></li>`,
    )
    .join('\n');
  const cancel = withQuery(request.redirectUri, {
    error: 'user_cancelled_authorize',
    error_description: 'The user cancelled the authorization',
    ...(request.state ? { state: request.state } : {}),
  });
  return html(
    200,
    layout(
      'LinkedIn: allow access',
      `<h1>Herald would like to access your LinkedIn account</h1>
<p>Signed in as ${escapeHtml(member.name)}.</p>
<p class="muted">App ${escapeHtml(request.clientId)} asks for: ${escapeHtml(request.scope.join(' '))}.</p>
<form method="post" action="${escapeHtml(url.pathname)}">
${hidden}
<fieldset><legend>Pages you administer that the app may use</legend>
<ul class="organizations">${organizations}</ul>
</fieldset>
<p><button type="submit">Allow</button> <a href="${escapeHtml(cancel)}">Cancel</a></p>
</form>`,
    ),
  );
}

/** POST /oauth/v2/authorization: the member allowed; back to the app with a code. */
export async function authorizationSubmit(
  req: IncomingMessage,
  ctx: SandboxContext,
): Promise<Reply> {
  const form = new URLSearchParams(await readBody(req));
  const request = readAuthorization(form);
  if ('page' in request) return problemPage(request.page);
  if ('redirect' in request) return redirect(withQuery(request.to, request.redirect));
  const member = SANDBOX_LINKEDIN_MEMBER;
  const chosen = new Set(form.getAll('organization'));
  const organizations = administeredOrganizations(member.urn)
    .filter((o) => chosen.has(o.id))
    .map((o) => o.urn);
  const code = `sbx-licode-${suffix()}`;
  linkedinState(ctx.store).codes.set(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    grant: { member: member.urn, organizations, scope: request.scope.join(' ') },
    expiresAt: Date.now() + CODE_MS,
    used: false,
  });
  return redirect(
    withQuery(request.redirectUri, { code, ...(request.state ? { state: request.state } : {}) }),
  );
}

/** Mints an access token for `grant`, remembered with its expiry. */
function issueAccessToken(ctx: SandboxContext, grant: LinkedInGrant) {
  const expiresIn = ctx.accessTokenTtlSeconds.linkedin ?? ACCESS_TOKEN_TTL_S;
  const token = ctx.store.tokenIssued(sandboxToken('linkedin', grant.member, suffix()));
  linkedinState(ctx.store).accessTokens.set(token, {
    ...grant,
    expiresAt: Date.now() + expiresIn * 1000,
  });
  return { access_token: token, expires_in: expiresIn };
}

/** POST /oauth/v2/accessToken: authorization_code or refresh_token. */
export async function accessToken(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
): Promise<void> {
  const contentType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const raw = await readBody(req);
  if (contentType !== 'application/x-www-form-urlencoded') {
    return send(
      res,
      oauthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded'),
    );
  }
  const params = new URLSearchParams(raw);
  for (const name of ['grant_type', 'client_id', 'client_secret']) {
    if (!params.get(name)) {
      return send(res, oauthError('invalid_request', `A required parameter "${name}" is missing`));
    }
  }
  const grant = params.get('grant_type');
  if (grant === 'authorization_code') return send(res, exchangeCode(params, ctx));
  if (grant === 'refresh_token') return send(res, refresh(params, ctx));
  send(res, oauthError('unsupported_grant_type', 'The grant type is not supported'));
}

function exchangeCode(params: URLSearchParams, ctx: SandboxContext): Reply {
  for (const name of ['code', 'redirect_uri']) {
    if (!params.get(name)) {
      return oauthError('invalid_request', `A required parameter "${name}" is missing`);
    }
  }
  const state = linkedinState(ctx.store);
  const code = state.codes.get(params.get('code')!);
  if (
    !code ||
    code.used ||
    code.expiresAt <= Date.now() ||
    code.clientId !== params.get('client_id') ||
    code.redirectUri !== params.get('redirect_uri')
  ) {
    return oauthError('invalid_request', INVALID_CODE);
  }
  code.used = true;
  const refreshToken = linkedinRefreshToken(code.grant.member, suffix());
  state.refreshTokens.set(refreshToken, Date.now() + REFRESH_TOKEN_TTL_S * 1000);
  state.refreshGrants.set(refreshToken, code.grant);
  return json(200, {
    ...issueAccessToken(ctx, code.grant),
    refresh_token: refreshToken,
    refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
    scope: code.grant.scope,
    token_type: 'Bearer',
  });
}

function refresh(params: URLSearchParams, ctx: SandboxContext): Reply {
  const refreshToken = params.get('refresh_token');
  if (!refreshToken) {
    return oauthError('invalid_request', 'A required parameter "refresh_token" is missing');
  }
  const account = REFRESH_TOKEN.exec(refreshToken)?.[1];
  if (!account || ctx.store.revocation(refreshToken) !== undefined) {
    return oauthError('invalid_grant', INVALID_GRANT);
  }
  const now = Date.now();
  const state = linkedinState(ctx.store);
  // A convention token's 365 days start at its first use; an issued one's at the consent.
  const expiresAt = state.refreshTokens.get(refreshToken) ?? now + REFRESH_TOKEN_TTL_S * 1000;
  state.refreshTokens.set(refreshToken, expiresAt);
  if (expiresAt <= now) return oauthError('invalid_grant', INVALID_GRANT);
  const grant = state.refreshGrants.get(refreshToken);
  const minted = grant
    ? issueAccessToken(ctx, grant)
    : {
        access_token: ctx.store.tokenIssued(sandboxToken('linkedin', account, suffix())),
        expires_in: ctx.accessTokenTtlSeconds.linkedin ?? ACCESS_TOKEN_TTL_S,
      };
  return json(200, {
    ...minted,
    refresh_token: refreshToken,
    refresh_token_expires_in: Math.floor((expiresAt - now) / 1000),
    scope: grant?.scope ?? CONVENTION_SCOPE,
  });
}

/** GET /v2/userinfo (OpenID Connect): the member a token speaks for. */
export function userinfo(req: IncomingMessage, ctx: SandboxContext): Reply {
  const auth = authenticate(req, ctx.store);
  if (isLinkedInError(auth)) return linkedinErrorReply(auth);
  const sub = /^urn:li:person:(.+)$/.exec(auth.accountId)?.[1];
  const scopes = auth.scope?.split(' ');
  if (!sub || (scopes && !scopes.includes('openid'))) {
    return linkedinErrorReply(linkedinErrors.accessDenied('GET', '/userinfo'));
  }
  const member =
    SANDBOX_LINKEDIN_MEMBER.sub === sub
      ? SANDBOX_LINKEDIN_MEMBER
      : { givenName: 'Sandbox', familyName: `Member ${sub}`, name: `Sandbox Member ${sub}` };
  return json(200, {
    sub,
    name: member.name,
    given_name: member.givenName,
    family_name: member.familyName,
    locale: 'en-US',
  });
}
