// Google's OAuth 2.0 for web server apps, as Business Profile connections use it: the consent
// page (`GET /o/oauth2/v2/auth` on accounts.google.com: the person picks which Google account
// to sign in with, then allows or cancels), the token endpoint (`POST /token` on
// oauth2.googleapis.com: authorization_code with PKCE, refresh_token) and the revoke endpoint
// (`POST /revoke`). Parameters, answers and error names follow Google's "Using OAuth 2.0 for Web
// Server Applications"; error descriptions are Google's where known (◐ observed). Access tokens
// live `ctx.accessTokenTtlSeconds.google_business` or Google's 3,599 s. Google does not rotate
// refresh tokens; the sandbox setting `rotateRefreshTokens` makes it, for clients' tests.
// Revoking any token of a grant revokes the grant: its access and refresh tokens all die.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, layout } from '../../html.ts';
import { html, json, readBody, send, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { sandboxToken } from '../../tokens.ts';
import { findUser, GOOGLE_USERS } from './directory.ts';
import { oauthErrorReply } from './errors.ts';
import { gbpState, type GbpState } from './state.ts';

/** Google's access tokens: "expires_in": 3599. */
export const ACCESS_TOKEN_TTL_S = 3599;
const CODE_TTL_MS = 10 * 60_000;

const random = (bytes: number) =>
  randomBytes(bytes)
    .toString('base64url')
    .replace(/[^A-Za-z0-9]/g, '');

const redirect = (location: string): Reply => ({ status: 302, headers: { location }, body: '' });

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

const isWebUrl = (value: string) => /^https?:\/\/[^\s]+$/.test(value);

/** Google's page for a consent URL it refuses ("Access blocked: Authorization Error"). */
function blocked(detail: string): Reply {
  return html(
    400,
    layout(
      'Access blocked: Authorization Error',
      `<h1>Access blocked: Authorization Error</h1>
<p>${escapeHtml(detail)}</p>
<p class="muted">Error 400: invalid_request</p>`,
    ),
  );
}

interface ConsentRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  challenge: string | null;
  method: 'S256' | 'plain' | null;
  offline: boolean;
}

function consentRequest(params: URLSearchParams): ConsentRequest | { problem: string } {
  const clientId = params.get('client_id') ?? '';
  const redirectUri = params.get('redirect_uri') ?? '';
  const scope = params.get('scope')?.trim() ?? '';
  if (!clientId) return { problem: 'Missing required parameter: client_id' };
  if (!isWebUrl(redirectUri)) return { problem: 'Missing required parameter: redirect_uri' };
  if (params.get('response_type') !== 'code') {
    return { problem: 'Invalid response_type: the web server flow takes response_type=code.' };
  }
  if (!scope) return { problem: 'Missing required parameter: scope' };
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (method !== null && method !== 'S256' && method !== 'plain') {
    return { problem: `Invalid code_challenge_method: ${method}` };
  }
  if (method !== null && !challenge)
    return { problem: 'Missing required parameter: code_challenge' };
  const accessType = params.get('access_type') ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') {
    return { problem: `Invalid access_type: ${accessType}` };
  }
  return {
    clientId,
    redirectUri,
    scope,
    state: params.get('state') ?? '',
    challenge: challenge ?? null,
    method: challenge ? (method ?? 'plain') : null,
    offline: accessType === 'offline',
  };
}

/** GET /o/oauth2/v2/auth: choose a Google account, then allow Herald to manage its profiles. */
export function consentPage(url: URL): Reply {
  const request = consentRequest(url.searchParams);
  if ('problem' in request) return blocked(request.problem);
  const hidden = [...url.searchParams]
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n');
  const users = GOOGLE_USERS.map(
    (u, i) =>
      `<li><label><input type="radio" name="user" value="${u.id}"${i === 0 ? ' checked' : ''}> ${escapeHtml(u.name)} <span class="muted">${escapeHtml(u.email)}</span></label></li>`,
  ).join('\n');
  const scopes = request.scope
    .split(/\s+/)
    .map((s) => `<li><code>${escapeHtml(s)}</code></li>`)
    .join('\n');
  return html(
    200,
    layout(
      'Sign in with Google',
      `<h1>Choose an account</h1>
<p class="muted">to continue to ${escapeHtml(request.clientId)}</p>
<form method="post" action="${escapeHtml(url.pathname)}/confirm">
${hidden}
<ul class="accounts">${users}</ul>
<p>It wants to see, edit, create and delete your Google business listings:</p>
<ul>${scopes}</ul>
<p><button type="submit" name="decision" value="allow">Allow</button> <button type="submit" name="decision" value="cancel">Cancel</button></p>
</form>`,
    ),
  );
}

/** POST /o/oauth2/v2/auth/confirm: the person chose; back to the app with a code (or a refusal). */
export async function confirmConsent(req: IncomingMessage, ctx: SandboxContext): Promise<Reply> {
  const form = new URLSearchParams(await readBody(req));
  const request = consentRequest(form);
  if ('problem' in request) return blocked(request.problem);
  const back = (params: Record<string, string>) =>
    redirect(
      withQuery(request.redirectUri, {
        ...params,
        ...(request.state ? { state: request.state } : {}),
      }),
    );
  if (form.get('decision') !== 'allow') return back({ error: 'access_denied' });
  const user = findUser(form.get('user') ?? '');
  if (!user) return blocked('Choose a Google account to continue.');
  const code = `4/0sbx${random(24)}`;
  gbpState(ctx.store).codes.set(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    userId: user.id,
    scope: request.scope,
    challenge: request.challenge,
    method: request.method,
    offline: request.offline,
    expiresAt: Date.now() + CODE_TTL_MS,
    used: false,
  });
  return back({ code, scope: request.scope });
}

/** Client credentials from the body (client_secret_post) or Basic auth (client_secret_basic). */
function clientOf(req: IncomingMessage, form: URLSearchParams) {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const decoded = basic ? Buffer.from(basic, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  return {
    id: form.get('client_id') ?? (colon > 0 ? decoded.slice(0, colon) : ''),
    secret: form.get('client_secret') ?? (colon > 0 ? decoded.slice(colon + 1) : ''),
  };
}

function issueTokens(
  ctx: SandboxContext,
  state: GbpState,
  grantId: string,
  withRefreshToken: boolean,
) {
  const grant = state.grants.get(grantId)!;
  const ttl = ctx.accessTokenTtlSeconds.google_business ?? ACCESS_TOKEN_TTL_S;
  const accessToken = ctx.store.tokenIssued(
    sandboxToken('google_business', grant.userId, random(18) || 'x'),
  );
  state.accessTokens.set(accessToken, { grantId, expiresAt: Date.now() + ttl * 1000 });
  let refreshToken: string | undefined;
  if (withRefreshToken) {
    refreshToken = `1//0sbx${random(30)}`;
    state.refreshTokens.set(refreshToken, { grantId, spent: false });
  }
  return {
    access_token: accessToken,
    expires_in: ttl,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: grant.scope,
    token_type: 'Bearer',
  };
}

/** POST /token: authorization_code (with PKCE) and refresh_token grants. */
export async function token(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext) {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const raw = await readBody(req);
  if (type !== 'application/x-www-form-urlencoded') {
    return send(
      res,
      oauthErrorReply(
        'invalid_request',
        'Invalid Content-Type: use application/x-www-form-urlencoded.',
      ),
    );
  }
  const form = new URLSearchParams(raw);
  const client = clientOf(req, form);
  if (!client.id) {
    return send(
      res,
      oauthErrorReply('invalid_request', 'Could not determine client ID from request.'),
    );
  }
  if (!client.secret)
    return send(res, oauthErrorReply('invalid_request', 'client_secret is missing.'));
  const state = gbpState(ctx.store);
  const grantType = form.get('grant_type');

  if (grantType === 'authorization_code') {
    const code = form.get('code');
    if (!code)
      return send(res, oauthErrorReply('invalid_request', 'Missing required parameter: code'));
    const granted = state.codes.get(code);
    if (!granted) return send(res, oauthErrorReply('invalid_grant', 'Malformed auth code.'));
    if (granted.used || granted.expiresAt <= Date.now() || granted.clientId !== client.id) {
      return send(res, oauthErrorReply('invalid_grant', 'Bad Request'));
    }
    if (form.get('redirect_uri') !== granted.redirectUri) {
      return send(res, oauthErrorReply('redirect_uri_mismatch', 'Bad Request'));
    }
    const verifier = form.get('code_verifier');
    if (granted.challenge === null && verifier !== null) {
      return send(
        res,
        oauthErrorReply('invalid_grant', 'code_verifier or verifier is not needed.'),
      );
    }
    if (granted.challenge !== null) {
      if (!verifier) return send(res, oauthErrorReply('invalid_grant', 'Missing code verifier.'));
      const derived =
        granted.method === 'S256'
          ? createHash('sha256').update(verifier).digest('base64url')
          : verifier;
      if (derived !== granted.challenge) {
        return send(res, oauthErrorReply('invalid_grant', 'Invalid code verifier.'));
      }
    }
    granted.used = true;
    const grantId = random(12) || 'g';
    state.grants.set(grantId, {
      userId: granted.userId,
      clientId: client.id,
      scope: granted.scope,
      revoked: false,
    });
    return send(res, json(200, issueTokens(ctx, state, grantId, granted.offline)));
  }

  if (grantType === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) {
      return send(
        res,
        oauthErrorReply('invalid_request', 'Missing required parameter: refresh_token'),
      );
    }
    const record = state.refreshTokens.get(refreshToken);
    const grant = record ? state.grants.get(record.grantId) : undefined;
    if (
      !record ||
      !grant ||
      grant.revoked ||
      record.spent ||
      ctx.store.revocation(refreshToken) !== undefined
    ) {
      return send(res, oauthErrorReply('invalid_grant', 'Token has been expired or revoked.'));
    }
    if (grant.clientId !== client.id) {
      return send(res, oauthErrorReply('unauthorized_client', 'Unauthorized'));
    }
    const rotate = state.settings.rotateRefreshTokens;
    if (rotate) record.spent = true;
    return send(res, json(200, issueTokens(ctx, state, record.grantId, rotate)));
  }

  return send(
    res,
    oauthErrorReply(
      grantType ? 'unsupported_grant_type' : 'invalid_request',
      grantType ? `Invalid grant_type: ${grantType}` : 'Missing required parameter: grant_type',
    ),
  );
}

/** POST /revoke: revokes the grant an access or refresh token belongs to. */
export async function revoke(req: IncomingMessage, url: URL, ctx: SandboxContext): Promise<Reply> {
  const form = new URLSearchParams(await readBody(req));
  const value = form.get('token') ?? url.searchParams.get('token');
  const state = gbpState(ctx.store);
  const grantId =
    (value ? state.accessTokens.get(value)?.grantId : undefined) ??
    (value ? state.refreshTokens.get(value)?.grantId : undefined);
  const grant = grantId ? state.grants.get(grantId) : undefined;
  if (!grant || grant.revoked) {
    return oauthErrorReply('invalid_token', 'Token expired or revoked');
  }
  grant.revoked = true;
  return json(200, {});
}
