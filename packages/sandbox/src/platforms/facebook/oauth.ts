// Facebook Login for Pages, as Herald uses it to connect Pages: the OAuth dialog (a page a person
// clicks through, choosing which Pages to grant), the code exchange and the long-lived token
// exchange at /oauth/access_token, and /me/accounts listing the granted Pages with a Page
// token each. Paths, parameters and error wording follow Facebook Login's manual flow docs;
// the real dialog lives on www.facebook.com, the rest on graph.facebook.com.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, layout } from '../../html.ts';
import { html, json, send, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { graphErrorReply, type GraphError } from './errors.ts';
import { readGraphRequest, isGraphError } from './request.ts';

/** The Pages the sandbox's person administers (the demo seed's Pages among them). */
export const SANDBOX_PAGES = [
  { id: '1000000001', name: 'Northwind Coffee' },
  { id: '1000000003', name: 'Northwind Roastery' },
  { id: '1000000002', name: 'Fjord Outdoor' },
  { id: '1000000004', name: 'Sandbox Bakery' },
] as const;

const SHORT_LIVED_SECONDS = 60 * 60;
const LONG_LIVED_SECONDS = 60 * 24 * 60 * 60;
const CODE_SECONDS = 10 * 60;

interface Grant {
  clientId: string;
  redirectUri: string;
  pageIds: string[];
  expiresAt: number;
  used: boolean;
}

interface UserToken {
  pageIds: string[];
  expiresAt: number;
}

interface OAuthState {
  codes: Map<string, Grant>;
  users: Map<string, UserToken>;
}

const stateOf = (ctx: SandboxContext) =>
  ctx.store.platformState<OAuthState>('facebook:oauth', () => ({
    codes: new Map(),
    users: new Map(),
  }));

const oauthError = (message: string, subcode?: number): GraphError => ({
  status: 400,
  code: 100,
  type: 'OAuthException',
  message,
  ...(subcode ? { subcode } : {}),
});

function redirect(location: string): Reply {
  return { status: 302, headers: { location }, body: '' };
}

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** GET /{v}/dialog/oauth: the consent page, listing the Pages to grant. */
export function dialog(url: URL): Reply {
  const clientId = url.searchParams.get('client_id') ?? '';
  const redirectUri = url.searchParams.get('redirect_uri') ?? '';
  const state = url.searchParams.get('state') ?? '';
  if (!clientId || !/^https?:\/\//.test(redirectUri)) {
    return html(
      400,
      layout(
        'Invalid request',
        '<h1>Invalid request</h1><p>client_id and an http(s) redirect_uri are required.</p>',
      ),
    );
  }
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const pages = SANDBOX_PAGES.map(
    (p) =>
      `<li><label><input type="checkbox" name="page" value="${p.id}" checked> ${escapeHtml(p.name)} <span class="muted">(${p.id})</span></label></li>`,
  ).join('\n');
  const cancel = withQuery(redirectUri, {
    error: 'access_denied',
    error_code: '200',
    error_description: 'Permissions error',
    error_reason: 'user_denied',
    ...(state ? { state } : {}),
  });
  return html(
    200,
    layout(
      'Connect Facebook Pages',
      `<h1>Herald wants to manage your Pages</h1>
<p class="muted">App ${escapeHtml(clientId)} asks to publish posts to the Pages you choose (pages_manage_posts, pages_read_engagement, pages_show_list).</p>
<form method="get" action="${url.pathname}/confirm">
${hidden('client_id', clientId)}${hidden('redirect_uri', redirectUri)}${hidden('state', state)}
<ul class="pages">${pages}</ul>
<p><button type="submit">Continue</button> <a href="${escapeHtml(cancel)}">Cancel</a></p>
</form>`,
    ),
  );
}

/** GET /{v}/dialog/oauth/confirm: the person chose; back to the app with a single-use code. */
export function confirm(url: URL, ctx: SandboxContext): Reply {
  const clientId = url.searchParams.get('client_id') ?? '';
  const redirectUri = url.searchParams.get('redirect_uri') ?? '';
  const state = url.searchParams.get('state') ?? '';
  const known = new Set<string>(SANDBOX_PAGES.map((p) => p.id));
  const pageIds = url.searchParams.getAll('page').filter((id) => known.has(id));
  if (!clientId || !/^https?:\/\//.test(redirectUri)) {
    return html(400, layout('Invalid request', '<h1>Invalid request</h1>'));
  }
  const code = `sbx-code-${randomBytes(12).toString('base64url')}`;
  stateOf(ctx).codes.set(code, {
    clientId,
    redirectUri,
    pageIds,
    expiresAt: Date.now() + CODE_SECONDS * 1000,
    used: false,
  });
  return redirect(withQuery(redirectUri, { code, ...(state ? { state } : {}) }));
}

function issueUserToken(ctx: SandboxContext, pageIds: string[], seconds: number) {
  const token = `sbx-user-${randomBytes(12).toString('base64url')}`;
  stateOf(ctx).users.set(token, { pageIds, expiresAt: Date.now() + seconds * 1000 });
  return { access_token: token, token_type: 'bearer', expires_in: seconds };
}

/** GET /{v}/oauth/access_token: a code for a user token, or a user token for a long-lived one. */
export async function accessToken(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  if (isGraphError(request)) return send(res, graphErrorReply(request));
  const p = request.params;
  if (!p.client_id) return send(res, graphErrorReply(oauthError('Missing client_id parameter.')));
  if (!p.client_secret) {
    return send(res, graphErrorReply(oauthError('Missing client_secret parameter.')));
  }
  if (p.grant_type === 'fb_exchange_token') {
    const user = stateOf(ctx).users.get(p.fb_exchange_token ?? '');
    if (!user || user.expiresAt <= Date.now()) {
      return send(
        res,
        graphErrorReply({
          ...oauthError('Error validating access token: Session has expired.', 463),
          code: 190,
        }),
      );
    }
    return send(res, json(200, issueUserToken(ctx, user.pageIds, LONG_LIVED_SECONDS)));
  }
  const grant = stateOf(ctx).codes.get(p.code ?? '');
  if (!grant) return send(res, graphErrorReply(oauthError('Invalid verification code format.')));
  if (grant.used) {
    return send(res, graphErrorReply(oauthError('This authorization code has been used.', 36009)));
  }
  if (grant.expiresAt <= Date.now()) {
    return send(res, graphErrorReply(oauthError('This authorization code has expired.', 36007)));
  }
  if (grant.clientId !== p.client_id || grant.redirectUri !== p.redirect_uri) {
    return send(
      res,
      graphErrorReply(
        oauthError(
          'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
        ),
      ),
    );
  }
  grant.used = true;
  send(res, json(200, issueUserToken(ctx, grant.pageIds, SHORT_LIVED_SECONDS)));
}

/** GET /{v}/me/accounts: the granted Pages, each with a Page token. */
export async function meAccounts(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  if (isGraphError(request)) return send(res, graphErrorReply(request));
  const user = stateOf(ctx).users.get(request.token ?? '');
  if (!user || user.expiresAt <= Date.now()) {
    return send(
      res,
      graphErrorReply({
        status: 400,
        code: 190,
        type: 'OAuthException',
        message: 'Invalid OAuth access token - Cannot parse access token',
      }),
    );
  }
  const data = SANDBOX_PAGES.filter((page) => user.pageIds.includes(page.id)).map((page) => ({
    id: page.id,
    name: page.name,
    category: 'Local business',
    tasks: ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MANAGE', 'MODERATE'],
    // Page tokens from a long-lived user token do not expire (platform-apis.md).
    access_token: ctx.store.tokenIssued(`sbx-page-${page.id}-${randomBytes(6).toString('hex')}`),
  }));
  send(res, json(200, { data }));
}
