// Connecting Business Profile locations (Google OAuth 2.0 for web server apps, with PKCE S256,
// through arctic's OAuth2Client): the person signs in with the Google account that manages the
// profiles and allows `business.manage`; Herald exchanges the code, lists the accounts that
// Google account may manage (Account Management API, `GET /v1/accounts`) and each account's
// locations (Business Information API, `GET /v1/{account}/locations?readMask=…`), and offers
// every location as an identity `accounts/{a}/locations/{l}` — the name the v4 posts API wants.
// All of them share the one grant's tokens. Google only hands out a refresh token with
// `access_type=offline`, and again on a later consent only with `prompt=consent`: both are asked.
import { CodeChallengeMethod, OAuth2Client } from 'arctic';
import { z } from 'zod';
import { AuthPublishError, PermanentPublishError } from '../errors.ts';
import type { GrantedIdentity, PlatformConnector } from '../types.ts';
import { classifyGoogleBusinessError, classifyNetworkError } from './errors.ts';
import {
  authorizeEndpoint,
  GOOGLE_BUSINESS_SCOPE,
  googleOAuthCall,
  readTokens,
  revokeEndpoint,
  tokenEndpoint,
} from './oauth.ts';

export interface GoogleBusinessConnectorConfig {
  clientId: string;
  clientSecret: string;
  /** Where the consent page is: https://accounts.google.com, or the sandbox's /google_business. */
  oauthUrl: string;
  /** Token and revoke endpoints' host: https://oauth2.googleapis.com, or the sandbox. */
  tokenUrl: string;
  /** https://mybusinessaccountmanagement.googleapis.com, or the sandbox. */
  accountManagementUrl: string;
  /** https://mybusinessbusinessinformation.googleapis.com, or the sandbox. */
  businessInformationUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => Date;
}

export interface GoogleBusinessConnector extends PlatformConnector {
  /**
   * Revokes a grant at Google (any of its tokens will do). Every location connected with it
   * loses access at once, so this is for disconnecting a whole Google account, never one location.
   */
  revoke(token: string): Promise<void>;
}

const Accounts = z.object({
  accounts: z
    .array(
      z.object({ name: z.string().regex(/^accounts\/[^/]+$/), accountName: z.string().optional() }),
    )
    .optional(),
  nextPageToken: z.string().optional(),
});
const Locations = z.object({
  locations: z
    .array(
      z.object({
        name: z.string().regex(/^locations\/[^/]+$/),
        title: z.string().optional(),
        storefrontAddress: z
          .object({ addressLines: z.array(z.string()).optional(), locality: z.string().optional() })
          .optional(),
      }),
    )
    .optional(),
  nextPageToken: z.string().optional(),
});
type Location = NonNullable<z.infer<typeof Locations>['locations']>[number];

/** Pages Herald reads at most: 20 accounts and 100 locations each (Google's page maximums). */
const MAX_PAGES = 10;

export function createGoogleBusinessConnector(
  config: GoogleBusinessConnectorConfig,
): GoogleBusinessConnector {
  const timeoutMs = config.timeoutMs ?? 30_000;
  const clock = config.now ?? (() => new Date());
  const client = (redirectUri: string | null) =>
    new OAuth2Client(config.clientId, config.clientSecret, redirectUri);

  async function get<T>(
    url: string,
    schema: z.ZodType<T>,
    accessToken: string,
    signal?: AbortSignal,
  ) {
    let response: Response;
    let body: unknown;
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      response = await (config.fetch ?? fetch)(url, {
        headers: { authorization: `Bearer ${accessToken}` },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      body = JSON.parse((await response.text()) || '{}') as unknown;
    } catch (error) {
      throw classifyNetworkError(error, { timeoutMs, final: false });
    }
    if (!response.ok)
      throw classifyGoogleBusinessError(response.status, body, response.headers, clock());
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new PermanentPublishError(
        'Google answered the Business Profile listing in a form Herald does not understand.',
      );
    }
    return parsed.data;
  }

  /** Every page of a list, following nextPageToken. */
  async function all<T extends { nextPageToken?: string | undefined }>(
    url: string,
    schema: z.ZodType<T>,
    accessToken: string,
    signal?: AbortSignal,
  ): Promise<T[]> {
    const pages: T[] = [];
    let token: string | undefined;
    for (let i = 0; i < MAX_PAGES; i += 1) {
      const page: T = await get(
        token
          ? `${url}${url.includes('?') ? '&' : '?'}pageToken=${encodeURIComponent(token)}`
          : url,
        schema,
        accessToken,
        signal,
      );
      pages.push(page);
      token = page.nextPageToken;
      if (!token) break;
    }
    return pages;
  }

  return {
    platform: 'google_business',
    authorizeUrl({ redirectUri, state, codeVerifier }) {
      const url = client(redirectUri).createAuthorizationURLWithPKCE(
        authorizeEndpoint(config.oauthUrl),
        state,
        CodeChallengeMethod.S256,
        codeVerifier,
        [GOOGLE_BUSINESS_SCOPE],
      );
      url.searchParams.set('access_type', 'offline');
      url.searchParams.set('prompt', 'consent');
      url.searchParams.set('include_granted_scopes', 'true');
      return url.toString();
    },
    async complete({ code, redirectUri, codeVerifier, signal }): Promise<GrantedIdentity[]> {
      const tokens = await googleOAuthCall(
        'the sign-in',
        async () =>
          readTokens(
            await client(redirectUri).validateAuthorizationCode(
              tokenEndpoint(config.tokenUrl),
              code,
              codeVerifier,
            ),
            clock(),
          ),
        timeoutMs,
      );
      if (tokens.scopes.length > 0 && !tokens.scopes.includes(GOOGLE_BUSINESS_SCOPE)) {
        throw new AuthPublishError(
          'Google did not grant Herald access to manage your Business Profile. Connect again and allow it.',
        );
      }
      const { accessToken } = tokens;
      const accounts = (
        await all(
          `${trim(config.accountManagementUrl)}/v1/accounts?pageSize=20`,
          Accounts,
          accessToken,
          signal,
        )
      ).flatMap((page) => page.accounts ?? []);
      const found: Array<{ account: string; location: Location }> = [];
      for (const account of accounts) {
        const query = 'readMask=name,title,storefrontAddress&pageSize=100';
        const pages = await all(
          `${trim(config.businessInformationUrl)}/v1/${account.name}/locations?${query}`,
          Locations,
          accessToken,
          signal,
        );
        for (const location of pages.flatMap((page) => page.locations ?? [])) {
          found.push({ account: account.name, location });
        }
      }
      const titles = found.map(({ location }) => location.title ?? location.name);
      return found.map(({ account, location }, i) => ({
        externalId: `${account}/${location.name}`,
        handle: handleOf(location, titles.filter((t) => t === titles[i]).length > 1),
        accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: tokens.expiresAt,
      }));
    },
    async revoke(token) {
      await googleOAuthCall(
        'the revocation',
        () => client(null).revokeToken(revokeEndpoint(config.tokenUrl), token),
        timeoutMs,
      );
    },
  };
}

/** The location's title; chains share one, so then its street (or town) tells them apart. */
function handleOf(location: Location, shared: boolean): string {
  const title = location.title ?? location.name;
  if (!shared) return title;
  const where =
    location.storefrontAddress?.addressLines?.[0] ?? location.storefrontAddress?.locality;
  return where ? `${title} (${where})` : `${title} (${location.name})`;
}

const trim = (url: string) => url.replace(/\/+$/, '');
