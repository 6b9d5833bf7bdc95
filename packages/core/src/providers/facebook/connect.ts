// Connecting Facebook Pages (Facebook Login, manual flow): the person grants Pages on the OAuth
// dialog; Herald exchanges the code for a user token, that for a long-lived one, and lists the
// granted Pages with /me/accounts — each Page's token from a long-lived user token does not
// expire (../shared/reference/platform-apis.md). Facebook does not use PKCE here.
import { z } from 'zod';
import { AuthPublishError, type PublishError } from '../errors.ts';
import type { GrantedIdentity, PlatformConnector } from '../types.ts';
import { classifyGraphError, classifyNetworkError } from './errors.ts';

export interface FacebookConnectorConfig {
  appId: string;
  appSecret: string;
  /** Graph API: https://graph.facebook.com, or the sandbox's /facebook. */
  baseUrl: string;
  /** Where the OAuth dialog is: https://www.facebook.com, or the sandbox's /facebook. */
  dialogUrl: string;
  apiVersion?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** What Herald asks a Page admin for: listing Pages, posting, reading back (reconcile). */
export const FACEBOOK_SCOPES = ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement'];

const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().optional(),
});
const AccountsResponse = z.object({
  data: z.array(z.object({ id: z.string(), name: z.string(), access_token: z.string().min(1) })),
  paging: z.object({ next: z.string().optional() }).optional(),
});

/** Pages of /me/accounts Herald reads at most (100 Pages each). */
const MAX_PAGES = 10;

export function createFacebookConnector(config: FacebookConnectorConfig): PlatformConnector {
  const version = config.apiVersion ?? 'v21.0';
  const graph = `${config.baseUrl.replace(/\/+$/, '')}/${version}`;
  const timeoutMs = config.timeoutMs ?? 30_000;

  async function get<T>(url: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    let response: Response;
    let body: unknown;
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      response = await (config.fetch ?? fetch)(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      body = JSON.parse(await response.text()) as unknown;
    } catch (error) {
      throw classifyNetworkError(error, { timeoutMs }) satisfies PublishError;
    }
    if (!response.ok) throw classifyGraphError(response.status, body, response.headers, new Date());
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new AuthPublishError('Facebook answered in a form Herald does not understand.');
    return parsed.data;
  }

  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

  return {
    platform: 'facebook',
    authorizeUrl({ redirectUri, state }) {
      return `${config.dialogUrl.replace(/\/+$/, '')}/${version}/dialog/oauth?${query({
        client_id: config.appId,
        redirect_uri: redirectUri,
        state,
        response_type: 'code',
        scope: FACEBOOK_SCOPES.join(','),
      })}`;
    },
    async complete({ code, redirectUri, signal }): Promise<GrantedIdentity[]> {
      const short = await get(
        `${graph}/oauth/access_token?${query({
          client_id: config.appId,
          client_secret: config.appSecret,
          redirect_uri: redirectUri,
          code,
        })}`,
        TokenResponse,
        signal,
      );
      // A long-lived user token makes Page tokens that do not expire.
      const long = await get(
        `${graph}/oauth/access_token?${query({
          grant_type: 'fb_exchange_token',
          client_id: config.appId,
          client_secret: config.appSecret,
          fb_exchange_token: short.access_token,
        })}`,
        TokenResponse,
        signal,
      );
      const identities: GrantedIdentity[] = [];
      let next: string | undefined =
        `${graph}/me/accounts?${query({ fields: 'id,name,access_token', limit: '100', access_token: long.access_token })}`;
      for (let page = 0; next && page < MAX_PAGES; page += 1) {
        const accounts: z.infer<typeof AccountsResponse> = await get(
          next,
          AccountsResponse,
          signal,
        );
        for (const account of accounts.data) {
          identities.push({
            externalId: account.id,
            handle: account.name,
            accessToken: account.access_token,
            refreshToken: null,
            expiresAt: null,
          });
        }
        next = accounts.paging?.next;
      }
      return identities;
    },
  };
}
