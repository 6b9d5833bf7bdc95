// Facebook Login (manual flow), shared by the connectors that go through it: Facebook Pages and
// Instagram professional accounts. The dialog, the code exchange and the long-lived exchange
// (`fb_exchange_token`), and paging through /me/accounts. Facebook Login is not standard
// OAuth 2 (the exchanges are GETs with the secret in the query, and there is no PKCE), so it is
// hand-made rather than arctic's.
import { z } from 'zod';
import { AuthPublishError, type PublishError } from '../errors.ts';
import { classifyNetworkFailure } from '../network-errors.ts';

export interface FacebookLoginConfig {
  appId: string;
  appSecret: string;
  /** Graph API: https://graph.facebook.com, or a sandbox prefix. */
  baseUrl: string;
  /** Where the OAuth dialog is: https://www.facebook.com, or the sandbox's /facebook. */
  dialogUrl: string;
  apiVersion: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** The platform's own reading of a Graph error answer. */
  classifyError: (status: number, body: unknown, headers: Headers, now: Date) => PublishError;
  now?: () => Date;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
});

/** Pages of /me/accounts read at most (100 Pages each). */
const MAX_PAGES = 10;

export function createFacebookLogin(config: FacebookLoginConfig) {
  const graph = `${config.baseUrl.replace(/\/+$/, '')}/${config.apiVersion}`;
  const timeoutMs = config.timeoutMs ?? 30_000;
  const clock = config.now ?? (() => new Date());
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

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
      // Connecting changes nothing on the platform: a failed call can simply be tried again.
      throw classifyNetworkFailure(error, { platform: 'Facebook', timeoutMs, final: false });
    }
    if (!response.ok) throw config.classifyError(response.status, body, response.headers, clock());
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new AuthPublishError('Facebook answered in a form Herald does not understand.');
    }
    return parsed.data;
  }

  return {
    /** The OAuth dialog asking for `scopes`. */
    dialogUrl(request: { redirectUri: string; state: string; scopes: readonly string[] }): string {
      return `${config.dialogUrl.replace(/\/+$/, '')}/${config.apiVersion}/dialog/oauth?${query({
        client_id: config.appId,
        redirect_uri: request.redirectUri,
        state: request.state,
        response_type: 'code',
        scope: request.scopes.join(','),
      })}`;
    },

    /** The code for a user token, and that for a long-lived one (about 60 days). */
    async longLivedUserToken(request: {
      code: string;
      redirectUri: string;
      signal?: AbortSignal;
    }): Promise<{ accessToken: string; expiresAt: Date | null }> {
      const short = await get(
        `${graph}/oauth/access_token?${query({
          client_id: config.appId,
          client_secret: config.appSecret,
          redirect_uri: request.redirectUri,
          code: request.code,
        })}`,
        TokenResponse,
        request.signal,
      );
      const long = await get(
        `${graph}/oauth/access_token?${query({
          grant_type: 'fb_exchange_token',
          client_id: config.appId,
          client_secret: config.appSecret,
          fb_exchange_token: short.access_token,
        })}`,
        TokenResponse,
        request.signal,
      );
      return {
        accessToken: long.access_token,
        expiresAt:
          long.expires_in === undefined
            ? null
            : new Date(clock().getTime() + long.expires_in * 1000),
      };
    },

    /** Every Page the user token may manage, with `fields`, following Graph's paging. */
    async pages<T>(request: {
      userToken: string;
      fields: string;
      schema: z.ZodType<T>;
      signal?: AbortSignal;
    }): Promise<T[]> {
      const Accounts = z.object({
        data: z.array(request.schema),
        paging: z.object({ next: z.string().optional() }).optional(),
      });
      const pages: T[] = [];
      let next: string | undefined =
        `${graph}/me/accounts?${query({ fields: request.fields, limit: '100', access_token: request.userToken })}`;
      for (let page = 0; next && page < MAX_PAGES; page += 1) {
        const answer: z.infer<typeof Accounts> = await get(next, Accounts, request.signal);
        pages.push(...answer.data);
        next = answer.paging?.next;
      }
      return pages;
    },
  };
}
