// Facebook Login, as Herald uses it to connect Pages and the Instagram business accounts linked
// to them: the OAuth dialog (a page a person clicks through, choosing which Pages to grant; with
// Instagram scopes it shows each Page's Instagram account), the code exchange and the
// long-lived token exchange at /oauth/access_token, and /me/accounts listing the granted Pages
// with a Page token each (and `instagram_business_account{id,username}` when asked). Paths,
// parameters and error wording follow Facebook Login's manual flow docs; the real dialog lives
// on www.facebook.com, the rest on graph.facebook.com — which the sandbox's /instagram prefix
// stands in for too, so ../instagram/index.ts serves the same exchanges and user tokens.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, layout } from '../../html.ts';
import { html, json, send, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { graphErrorReply, graphErrors, type GraphError } from './errors.ts';
import { isGraphError, readGraphRequest, type GraphRequest } from './request.ts';

interface SandboxPage {
  id: string;
  name: string;
  /** The Instagram professional account linked to the Page (the Instagram sandbox's ids). */
  instagram?: { id: string; username: string };
}

/** The Pages the sandbox's person administers (the demo seed's Pages and Instagram among them). */
export const SANDBOX_PAGES: readonly SandboxPage[] = [
  {
    id: '1000000001',
    name: 'Northwind Coffee',
    instagram: { id: '17841400000000001', username: 'northwindcoffee' },
  },
  { id: '1000000003', name: 'Northwind Roastery' },
  {
    id: '1000000002',
    name: 'Fjord Outdoor',
    instagram: { id: '17841400000000002', username: 'fjordoutdoor' },
  },
  {
    id: '1000000004',
    name: 'Sandbox Bakery',
    instagram: { id: '17841400000000004', username: 'sandboxbakery' },
  },
];

/** The Instagram accounts linked to these Pages. */
export const instagramAccountsOf = (pageIds: readonly string[]): string[] =>
  SANDBOX_PAGES.filter((p) => pageIds.includes(p.id) && p.instagram).map((p) => p.instagram!.id);

const SHORT_LIVED_SECONDS = 60 * 60;
const LONG_LIVED_SECONDS = 60 * 24 * 60 * 60;
const CODE_SECONDS = 10 * 60;

interface Grant {
  clientId: string;
  redirectUri: string;
  pageIds: string[];
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

interface UserToken {
  pageIds: string[];
  scopes: string[];
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

const scopesOf = (value: string | null) => (value ?? '').split(/[\s,]+/).filter(Boolean);

/** GET /{v}/dialog/oauth: the consent page, listing the Pages to grant. */
export function dialog(url: URL): Reply {
  const clientId = url.searchParams.get('client_id') ?? '';
  const redirectUri = url.searchParams.get('redirect_uri') ?? '';
  const state = url.searchParams.get('state') ?? '';
  const scope = url.searchParams.get('scope') ?? '';
  if (!clientId || !/^https?:\/\//.test(redirectUri)) {
    return html(
      400,
      layout(
        'Invalid request',
        '<h1>Invalid request</h1><p>client_id and an http(s) redirect_uri are required.</p>',
      ),
    );
  }
  // Asked for Instagram, the dialog shows which Instagram account comes with each Page.
  const instagram = scopesOf(scope).includes('instagram_basic');
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const pages = SANDBOX_PAGES.map((p) => {
    const linked = !instagram
      ? ''
      : p.instagram
        ? ` — Instagram @${escapeHtml(p.instagram.username)}`
        : ' <span class="muted">— no Instagram account</span>';
    return `<li><label><input type="checkbox" name="page" value="${p.id}" checked> ${escapeHtml(p.name)} <span class="muted">(${p.id})</span>${linked}</label></li>`;
  }).join('\n');
  const cancel = withQuery(redirectUri, {
    error: 'access_denied',
    error_code: '200',
    error_description: 'Permissions error',
    error_reason: 'user_denied',
    ...(state ? { state } : {}),
  });
  const [title, heading, asks] = instagram
    ? [
        'Connect Instagram accounts',
        'Herald wants to manage your Instagram accounts',
        'publish to the Instagram accounts linked to the Pages you choose',
      ]
    : [
        'Connect Facebook Pages',
        'Herald wants to manage your Pages',
        'publish posts to the Pages you choose',
      ];
  return html(
    200,
    layout(
      title,
      `<h1>${heading}</h1>
<p class="muted">App ${escapeHtml(clientId)} asks to ${asks} (${escapeHtml(scopesOf(scope).join(', ') || 'public_profile')}).</p>
<form method="get" action="${url.pathname}/confirm">
${hidden('client_id', clientId)}${hidden('redirect_uri', redirectUri)}${hidden('state', state)}${hidden('scope', scope)}
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
    scopes: scopesOf(url.searchParams.get('scope')),
    expiresAt: Date.now() + CODE_SECONDS * 1000,
    used: false,
  });
  return redirect(withQuery(redirectUri, { code, ...(state ? { state } : {}) }));
}

function issueUserToken(ctx: SandboxContext, grant: Omit<UserToken, 'expiresAt'>, seconds: number) {
  const token = ctx.store.tokenIssued(`sbx-user-${randomBytes(12).toString('base64url')}`);
  stateOf(ctx).users.set(token, { ...grant, expiresAt: Date.now() + seconds * 1000 });
  return { access_token: token, token_type: 'bearer', expires_in: seconds };
}

/** What a user token from this dialog grants, or why it grants nothing. */
export function userToken(
  ctx: SandboxContext,
  token: string | undefined,
): { pageIds: string[]; scopes: string[] } | GraphError | undefined {
  const user = token ? stateOf(ctx).users.get(token) : undefined;
  if (!user) return undefined;
  const revoked = ctx.store.revocation(token!);
  if (revoked !== undefined) return graphErrors.revokedToken(revoked);
  if (user.expiresAt <= Date.now()) {
    return { ...oauthError('Error validating access token: Session has expired.', 463), code: 190 };
  }
  return { pageIds: user.pageIds, scopes: user.scopes };
}

/**
 * `GET /{v}/oauth/access_token` with its parameters read: a code for a short-lived user token,
 * or (`grant_type=fb_exchange_token`) a user token for a long-lived one of `longLivedSeconds`.
 */
export function exchangeToken(
  params: Record<string, string>,
  ctx: SandboxContext,
  longLivedSeconds = LONG_LIVED_SECONDS,
): Reply {
  if (!params.client_id) return graphErrorReply(oauthError('Missing client_id parameter.'));
  if (!params.client_secret) {
    return graphErrorReply(oauthError('Missing client_secret parameter.'));
  }
  if (params.grant_type === 'fb_exchange_token') {
    const user = userToken(ctx, params.fb_exchange_token);
    if (!user) {
      return graphErrorReply({
        ...oauthError('Error validating access token: Session has expired.', 463),
        code: 190,
      });
    }
    if (isGraphError(user)) return graphErrorReply(user);
    return json(200, issueUserToken(ctx, user, longLivedSeconds));
  }
  const grant = stateOf(ctx).codes.get(params.code ?? '');
  if (!grant) return graphErrorReply(oauthError('Invalid verification code format.'));
  if (grant.used) {
    return graphErrorReply(oauthError('This authorization code has been used.', 36009));
  }
  if (grant.expiresAt <= Date.now()) {
    return graphErrorReply(oauthError('This authorization code has expired.', 36007));
  }
  if (grant.clientId !== params.client_id || grant.redirectUri !== params.redirect_uri) {
    return graphErrorReply(
      oauthError(
        'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
      ),
    );
  }
  grant.used = true;
  return json(
    200,
    issueUserToken(ctx, { pageIds: grant.pageIds, scopes: grant.scopes }, SHORT_LIVED_SECONDS),
  );
}

/** GET /{v}/oauth/access_token on the Facebook prefix. */
export async function accessToken(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  if (isGraphError(request)) return send(res, graphErrorReply(request));
  send(res, exchangeToken(request.params, ctx, ctx.accessTokenTtlSeconds.facebook));
}

const PAGE_FIELDS = [
  'id',
  'name',
  'category',
  'tasks',
  'access_token',
  'instagram_business_account',
];
const INSTAGRAM_FIELDS = ['id', 'username'];

/** Graph's field syntax, one level deep: `id,name,instagram_business_account{id,username}`. */
function parseFields(value: string): { name: string; sub: string[] | undefined }[] | null {
  const fields: { name: string; sub: string[] | undefined }[] = [];
  const pattern = /\s*([a-z_]+)\s*(?:\{([a-z_,\s]*)\})?\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < value.length && (match = pattern.exec(value))) {
    fields.push({
      name: match[1]!,
      sub: match[2]
        ?.split(',')
        .map((f) => f.trim())
        .filter(Boolean),
    });
  }
  return pattern.lastIndex === value.length || value.length === 0 ? fields : null;
}

/** `GET /{v}/me/accounts` with its request read: the granted Pages, each with a Page token. */
export function accountsReply(request: GraphRequest, ctx: SandboxContext): Reply {
  const user = userToken(ctx, request.token);
  if (!user) {
    return graphErrorReply({
      status: 400,
      code: 190,
      type: 'OAuthException',
      message: 'Invalid OAuth access token - Cannot parse access token',
    });
  }
  if (isGraphError(user)) return graphErrorReply(user);
  const fields = request.params.fields
    ? parseFields(request.params.fields)
    : PAGE_FIELDS.filter((f) => f !== 'instagram_business_account').map((name) => ({
        name,
        sub: undefined,
      }));
  if (!fields) return graphErrorReply(graphErrors.invalidParameter('fields'));
  for (const field of fields) {
    const known = PAGE_FIELDS.includes(field.name);
    const badSub = field.sub?.find((f) => !INSTAGRAM_FIELDS.includes(f));
    if (!known || badSub) {
      return graphErrorReply({
        ...graphErrors.nonexistingField(badSub ?? field.name),
        message: `(#100) Tried accessing nonexisting field (${badSub ?? field.name}) on node type (${badSub ? 'IGUser' : 'Page'})`,
      });
    }
  }
  const data = SANDBOX_PAGES.filter((page) => user.pageIds.includes(page.id)).map((page) => {
    const values: Record<string, unknown> = {
      id: page.id,
      name: page.name,
      category: 'Local business',
      tasks: ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MANAGE', 'MODERATE'],
      // Page tokens from a long-lived user token do not expire (platform-apis.md).
      access_token: ctx.store.tokenIssued(`sbx-page-${page.id}-${randomBytes(6).toString('hex')}`),
    };
    if (page.instagram) {
      const sub = fields.find((f) => f.name === 'instagram_business_account')?.sub ?? ['id'];
      values.instagram_business_account = Object.fromEntries(
        sub.map((f) => [f, page.instagram![f as 'id' | 'username']]),
      );
    }
    // Graph leaves out fields the node has no value for, and always answers the id.
    const picked = Object.fromEntries(
      fields.filter((f) => values[f.name] !== undefined).map((f) => [f.name, values[f.name]]),
    );
    return { ...picked, id: page.id };
  });
  return json(200, { data });
}

/** GET /{v}/me/accounts on the Facebook prefix. */
export async function meAccounts(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  if (isGraphError(request)) return send(res, graphErrorReply(request));
  send(res, accountsReply(request, ctx));
}
