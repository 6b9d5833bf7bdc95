// Connecting Instagram professional accounts (Instagram API with Facebook Login): the person
// grants Pages on Facebook Login's dialog with Instagram scopes; Herald exchanges the code for a
// user token and that for a long-lived one (fb_exchange_token, about 60 days), then lists the
// Pages with `GET /me/accounts?fields=id,name,access_token,instagram_business_account{id,username}`.
// Every Page with a linked Instagram account gives one identity: the Instagram user id, its
// @username, and the long-lived USER token, which is what Instagram's content publishing takes
// (the adapter publishes with it, and renews it with fb_exchange_token before it expires).
// Facebook Login is not standard OAuth 2 (the exchanges are GETs with the secret in the query),
// so this is hand-made like the Facebook connector.
import { z } from 'zod';
import { AuthPublishError, type PublishError } from '../errors.ts';
import type { GrantedIdentity, PlatformConnector } from '../types.ts';
import { classifyNetworkFailure } from '../network-errors.ts';
import { classifyInstagramError } from './errors.ts';

export interface InstagramConnectorConfig {
  /** The Meta app. */
  appId: string;
  appSecret: string;
  /** Graph API: https://graph.facebook.com, or the sandbox's /instagram. */
  baseUrl: string;
  /** Where Facebook Login's dialog is: https://www.facebook.com, or the sandbox's /facebook. */
  dialogUrl: string;
  apiVersion?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => Date;
}

/** Listing the Pages and their Instagram accounts, and publishing to those accounts. */
export const INSTAGRAM_SCOPES = [
  'instagram_basic',
  'instagram_content_publish',
  'pages_show_list',
  'pages_read_engagement',
  'business_management',
];

const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
});
const AccountsResponse = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      name: z.string().optional(),
      instagram_business_account: z
        .object({ id: z.string().min(1), username: z.string().optional() })
        .optional(),
    }),
  ),
  paging: z.object({ next: z.string().optional() }).optional(),
});

/** Pages of /me/accounts Herald reads at most (100 Pages each). */
const MAX_PAGES = 10;

export function createInstagramConnector(config: InstagramConnectorConfig): PlatformConnector {
  const version = config.apiVersion ?? 'v21.0';
  const graph = `${config.baseUrl.replace(/\/+$/, '')}/${version}`;
  const timeoutMs = config.timeoutMs ?? 30_000;
  const clock = config.now ?? (() => new Date());

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
      // Connecting changes nothing on Instagram: a failed call can simply be tried again.
      throw classifyNetworkFailure(error, {
        platform: 'Facebook',
        timeoutMs,
        final: false,
      }) satisfies PublishError;
    }
    if (!response.ok)
      throw classifyInstagramError(response.status, body, response.headers, clock());
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new AuthPublishError('Facebook answered in a form Herald does not understand.');
    }
    return parsed.data;
  }

  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

  return {
    platform: 'instagram',
    authorizeUrl({ redirectUri, state }) {
      return `${config.dialogUrl.replace(/\/+$/, '')}/${version}/dialog/oauth?${query({
        client_id: config.appId,
        redirect_uri: redirectUri,
        state,
        response_type: 'code',
        scope: INSTAGRAM_SCOPES.join(','),
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
      const expiresAt =
        long.expires_in === undefined ? null : new Date(clock().getTime() + long.expires_in * 1000);
      const identities: GrantedIdentity[] = [];
      let next: string | undefined = `${graph}/me/accounts?${query({
        fields: 'id,name,access_token,instagram_business_account{id,username}',
        limit: '100',
        access_token: long.access_token,
      })}`;
      for (let page = 0; next && page < MAX_PAGES; page += 1) {
        const accounts: z.infer<typeof AccountsResponse> = await get(
          next,
          AccountsResponse,
          signal,
        );
        for (const { instagram_business_account: ig } of accounts.data) {
          // A Page without a linked Instagram professional account has nothing to publish to.
          if (!ig || identities.some((i) => i.externalId === ig.id)) continue;
          identities.push({
            externalId: ig.id,
            handle: ig.username ? `@${ig.username}` : ig.id,
            accessToken: long.access_token,
            refreshToken: null,
            expiresAt,
          });
        }
        next = accounts.paging?.next;
      }
      return identities;
    },
  };
}
