// Google Business Profile, as much as Herald uses, mounted under /google_business. It stands in
// for several Google hosts, each at its own real path, so one base URL per setting reaches it:
//   mybusiness.googleapis.com                 /v4/accounts/{a}/locations/{l}/localPosts[/{id}]
//   mybusinessaccountmanagement.googleapis.com /v1/accounts
//   mybusinessbusinessinformation.googleapis.com /v1/accounts/{a}/locations
//   accounts.google.com                       /o/oauth2/v2/auth (the consent page)
//   oauth2.googleapis.com                     /token, /revoke
// Sandbox-only: `POST /google_business/__sandbox/settings` (processingPolls, requestsPerMinute,
// dailyPostsPerLocation, rotateRefreshTokens), `GET /google_business/posts/{name}` (a post's
// page: its searchUrl) and `/google_business/media/{id}` (a photo Google fetched).
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { json, readBody, send, type Reply } from '../../http.ts';
import type { PlatformRoutes, SandboxContext } from '../../router.ts';
import { listAccounts, listLocations } from './business.ts';
import { googleErrorReply, googleErrors } from './errors.ts';
import { confirmConsent, consentPage, revoke, token } from './oauth.ts';
import { createLocalPost, getLocalPost, listLocalPosts, postPage, servePhoto } from './posts.ts';
import { gbpState } from './state.ts';

export const googleBusiness: PlatformRoutes = {
  prefix: '/google_business',
  async handle(req, res, url, path, ctx) {
    const route = `${req.method} ${path}`;
    if (route === 'GET /o/oauth2/v2/auth') return send(res, consentPage(url));
    if (route === 'POST /o/oauth2/v2/auth/confirm')
      return send(res, await confirmConsent(req, ctx));
    if (route === 'POST /token') return token(req, res, ctx);
    if (route === 'POST /revoke') return send(res, await revoke(req, url, ctx));
    if (route === 'GET /v1/accounts') return listAccounts(req, res, url, ctx);
    if (route === 'POST /__sandbox/settings') return send(res, await changeSettings(req, ctx));
    const s = path.split('/').filter(Boolean);
    if (
      req.method === 'GET' &&
      s[0] === 'v1' &&
      s[1] === 'accounts' &&
      s[2] &&
      s[3] === 'locations' &&
      !s[4]
    ) {
      return listLocations(req, res, url, ctx, s[2]);
    }
    if (
      s[0] === 'v4' &&
      s[1] === 'accounts' &&
      s[2] &&
      s[3] === 'locations' &&
      s[4] &&
      s[5] === 'localPosts'
    ) {
      const [, , account, , location, , id, more] = s as [
        string,
        string,
        string,
        string,
        string,
        string,
        string?,
        string?,
      ];
      if (!id && req.method === 'POST') return createLocalPost(req, res, ctx, account, location);
      if (!id && req.method === 'GET') return listLocalPosts(req, res, url, ctx, account, location);
      if (id && !more && req.method === 'GET') {
        return getLocalPost(req, res, ctx, account, location, id);
      }
    }
    if (req.method === 'GET' && s[0] === 'posts' && s[1] && !s[2])
      return send(res, postPage(ctx, s[1]));
    if (req.method === 'GET' && s[0] === 'media' && s[1] && !s[2])
      return servePhoto(res, ctx, s[1]);
    send(res, googleErrorReply(googleErrors.noMethod(path)));
  },
};

const Settings = z.strictObject({
  processingPolls: z.int().min(0).max(100).optional(),
  requestsPerMinute: z.int().min(1).optional(),
  dailyPostsPerLocation: z.int().min(0).nullable().optional(),
  rotateRefreshTokens: z.boolean().optional(),
});

async function changeSettings(req: IncomingMessage, ctx: SandboxContext): Promise<Reply> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return json(400, { error: 'Send the settings as a JSON object.' });
  }
  const parsed = Settings.safeParse(body);
  if (!parsed.success) return json(400, { error: z.prettifyError(parsed.error) });
  const state = gbpState(ctx.store);
  Object.assign(state.settings, parsed.data);
  // A new quota counts from now.
  if (parsed.data.requestsPerMinute !== undefined) state.minute = null;
  return json(200, { settings: state.settings });
}
