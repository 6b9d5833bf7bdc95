// X's OAuth 2.0 token endpoint, refresh grant only (`POST /2/oauth2/token`, form body
// `grant_type=refresh_token&refresh_token=…&client_id=…`, or Basic client credentials for a
// confidential client). Refresh tokens rotate: each exchange answers a new one and spends the
// old, and a spent or revoked one fails with `invalid_request` as X answers (◐ observed).
// Sandbox convention: a refresh token for user U is `sbxr-x-<U>-<suffix>`; any such token not
// yet spent or revoked is good once (the demo seed and tests mint the first one).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, send } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { sandboxToken } from '../../tokens.ts';
import { oauthErrorReply } from './errors.ts';
import { readRaw } from './request.ts';
import { xState } from './state.ts';

const REFRESH_TOKEN = /^sbxr-x-(\d+)-[A-Za-z0-9]+$/;
/** X's access tokens live two hours. */
const EXPIRES_IN = 7200;

export async function refreshToken(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext) {
  const raw = (await readRaw(req, 64 * 1024)).toString('utf8');
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return send(
      res,
      oauthErrorReply('invalid_request', 'Missing required parameter [grant_type].'),
    );
  }
  const form = new URLSearchParams(raw);
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const clientId =
    form.get('client_id') ?? (basic ? Buffer.from(basic, 'base64').toString().split(':')[0] : null);
  if (!clientId) {
    return send(res, oauthErrorReply('unauthorized_client', 'Missing valid authorization header'));
  }
  const grant = form.get('grant_type');
  if (grant !== 'refresh_token') {
    return send(
      res,
      oauthErrorReply('invalid_request', 'Missing required parameter [grant_type].'),
    );
  }
  const token = form.get('refresh_token');
  if (!token) {
    return send(
      res,
      oauthErrorReply('invalid_request', 'Missing required parameter [refresh_token].'),
    );
  }
  const state = xState(ctx.store);
  const userId = REFRESH_TOKEN.exec(token)?.[1];
  if (!userId || state.spentRefreshTokens.has(token) || ctx.store.revocation(token) !== undefined) {
    return send(res, oauthErrorReply('invalid_request', 'Value passed for the token was invalid.'));
  }
  state.spentRefreshTokens.add(token);
  const suffix = () =>
    randomBytes(9)
      .toString('base64url')
      .replace(/[^A-Za-z0-9]/g, '') || 'x';
  send(
    res,
    json(200, {
      token_type: 'bearer',
      expires_in: EXPIRES_IN,
      access_token: ctx.store.tokenIssued(sandboxToken('x', userId, suffix())),
      scope: 'tweet.read tweet.write users.read offline.access media.write',
      refresh_token: ctx.store.tokenIssued(`sbxr-x-${userId}-${suffix()}`),
    }),
  );
}
