// LinkedIn's token endpoint for programmatic refresh tokens (Microsoft Learn, "Refresh Tokens
// with OAuth 2.0"): `POST https://www.linkedin.com/oauth/v2/accessToken` (here
// `/linkedin/oauth/v2/accessToken`), a form with grant_type=refresh_token, refresh_token,
// client_id and client_secret. Access tokens last 60 days; the refresh token keeps the 365 days
// it got when first issued, so the same refresh token comes back with less time left.
// Sandbox refresh tokens are `sbx-linkedin-refresh-<account urn>-<suffix>`; revoking one through
// the control API makes it fail with `invalid_grant`.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, readBody, send } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { sandboxToken } from '../../tokens.ts';
import { oauthError } from './errors.ts';
import { linkedinState } from './state.ts';

export const ACCESS_TOKEN_TTL_S = 60 * 24 * 60 * 60;
export const REFRESH_TOKEN_TTL_S = 365 * 24 * 60 * 60;
const REFRESH_TOKEN = /^sbx-linkedin-refresh-([A-Za-z0-9:._]+)-[A-Za-z0-9]+$/;

/** A refresh token for `accountId` (a person or organization URN), as tests mint them. */
export const linkedinRefreshToken = (accountId: string, suffix = 'dev') =>
  `sbx-linkedin-refresh-${accountId}-${suffix}`;

const INVALID_GRANT =
  'The provided authorization grant or refresh token is invalid, expired or revoked';

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
  if (params.get('grant_type') !== 'refresh_token') {
    // The authorization-code exchange is not emulated (issue 8's connect flow will add it).
    return send(res, oauthError('unsupported_grant_type', 'The grant type is not supported'));
  }
  const refreshToken = params.get('refresh_token');
  if (!refreshToken) {
    return send(
      res,
      oauthError('invalid_request', 'A required parameter "refresh_token" is missing'),
    );
  }
  const account = REFRESH_TOKEN.exec(refreshToken)?.[1];
  if (!account || ctx.store.revocation(refreshToken) !== undefined) {
    return send(res, oauthError('invalid_grant', INVALID_GRANT));
  }
  const now = Date.now();
  const tokens = linkedinState(ctx.store).refreshTokens;
  const expiresAt = tokens.get(refreshToken) ?? now + REFRESH_TOKEN_TTL_S * 1000;
  tokens.set(refreshToken, expiresAt);
  if (expiresAt <= now) return send(res, oauthError('invalid_grant', INVALID_GRANT));
  send(
    res,
    json(200, {
      access_token: ctx.store.tokenIssued(
        sandboxToken('linkedin', account, randomBytes(9).toString('hex')),
      ),
      expires_in: ACCESS_TOKEN_TTL_S,
      refresh_token: refreshToken,
      refresh_token_expires_in: Math.floor((expiresAt - now) / 1000),
      scope: 'r_basicprofile,w_member_social,w_organization_social,r_organization_social',
    }),
  );
}
