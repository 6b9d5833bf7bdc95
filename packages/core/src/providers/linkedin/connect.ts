// Connecting LinkedIn members and the organization pages they administer (Microsoft Learn,
// "Authorization Code Flow", "Sign In with LinkedIn using OpenID Connect", "Organization Access
// Control by Role", "Organization Lookup API"). The member authorizes Herald on
// www.linkedin.com/oauth/v2/authorization; Herald exchanges the code at
// `POST /oauth/v2/accessToken` (no PKCE for a confidential web app), reads the member from
// `GET /v2/userinfo` (sub → urn:li:person:{sub}), lists the organizations they administer with
// `GET /rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`, and names each
// with `GET /rest/organizations/{id}`. Every identity (the member, each organization) is an
// author URN the adapter posts as, and all share the member's token: LinkedIn's refresh tokens
// do not rotate (they keep the 365 days from this authorization), so each account can refresh
// on its own. arctic builds the consent URL; the exchange is hand-made because LinkedIn takes
// client_id and client_secret in the form, where arctic sends a confidential client's secret
// as Basic credentials.
import { OAuth2Client } from 'arctic';
import { z } from 'zod';
import { AuthPublishError } from '../errors.ts';
import type { GrantedIdentity, PlatformConnector } from '../types.ts';
import { DEFAULT_LINKEDIN_API_VERSION } from './adapter.ts';
import { classifyLinkedInError, classifyNetworkError } from './errors.ts';

export interface LinkedInConnectorConfig {
  clientId: string;
  clientSecret: string;
  /** The API: https://api.linkedin.com, or the sandbox's /linkedin. */
  baseUrl: string;
  /** Where the consent page is, as browsers reach it: https://www.linkedin.com, or the sandbox. */
  authUrl: string;
  /** Where the token endpoint is: https://www.linkedin.com for the real API, else `baseUrl`. */
  oauthBaseUrl?: string;
  /** `LinkedIn-Version` (YYYYMM). */
  apiVersion?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => Date;
}

/** Who the member is, posting as them and as the organizations they administer. */
export const LINKEDIN_SCOPES = [
  'openid',
  'profile',
  'w_member_social',
  'r_organization_social',
  'w_organization_social',
  'rw_organization_admin',
];

const Tokens = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
});
const OAuthError = z.object({ error: z.string(), error_description: z.string().optional() });
const UserInfo = z.object({ sub: z.string().min(1), name: z.string().optional() });
const Acls = z.object({
  elements: z.array(z.object({ organization: z.string(), role: z.string(), state: z.string() })),
  paging: z.object({ total: z.number().optional() }).optional(),
});
const Organization = z.object({ localizedName: z.string().optional() });

const ORGANIZATION = /^urn:li:organization:(\d+)$/;
const ACL_PAGE = 100;
const MAX_ACL_PAGES = 5;

export function createLinkedInConnector(config: LinkedInConnectorConfig): PlatformConnector {
  const base = config.baseUrl.replace(/\/+$/, '');
  const real = /^https:\/\/api\.linkedin\.com$/.test(base);
  const oauthBase = (config.oauthBaseUrl ?? (real ? 'https://www.linkedin.com' : base)).replace(
    /\/+$/,
    '',
  );
  const authorizeEndpoint = `${config.authUrl.replace(/\/+$/, '')}/oauth/v2/authorization`;
  const version = config.apiVersion ?? DEFAULT_LINKEDIN_API_VERSION;
  const timeoutMs = config.timeoutMs ?? 30_000;
  const clock = config.now ?? (() => new Date());

  async function call(url: string, init: RequestInit, signal?: AbortSignal) {
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      const response = await (config.fetch ?? fetch)(url, {
        ...init,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await response.text();
      return { response, body: text ? (JSON.parse(text) as unknown) : null };
    } catch (error) {
      // Reading who the member is changes nothing at LinkedIn: a failure can be retried.
      throw classifyNetworkError(error, { timeoutMs });
    }
  }

  async function get<T>(url: string, token: string, schema: z.ZodType<T>, signal?: AbortSignal) {
    const { response, body } = await call(
      url,
      {
        headers: {
          authorization: `Bearer ${token}`,
          'linkedin-version': version,
          'x-restli-protocol-version': '2.0.0',
        },
      },
      signal,
    );
    if (!response.ok) throw classifyLinkedInError(response.status, body, response.headers);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new AuthPublishError('LinkedIn answered in a form Herald does not understand.');
    }
    return parsed.data;
  }

  async function exchange(code: string, redirectUri: string, signal?: AbortSignal) {
    const { response, body } = await call(
      `${oauthBase}/oauth/v2/accessToken`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          client_id: config.clientId,
          client_secret: config.clientSecret,
        }),
      },
      signal,
    );
    const tokens = Tokens.safeParse(body);
    if (response.ok && tokens.success) return tokens.data;
    const oauth = OAuthError.safeParse(body);
    if (oauth.success) {
      throw new AuthPublishError(
        `LinkedIn refused the authorization code (${oauth.data.error_description ?? oauth.data.error}). Start connecting the account again.`,
        { platformCode: oauth.data.error },
      );
    }
    throw classifyLinkedInError(response.status, body, response.headers);
  }

  async function administered(token: string, signal?: AbortSignal): Promise<string[]> {
    const found: string[] = [];
    for (let page = 0; page < MAX_ACL_PAGES; page += 1) {
      const query = new URLSearchParams({
        q: 'roleAssignee',
        role: 'ADMINISTRATOR',
        state: 'APPROVED',
        start: String(page * ACL_PAGE),
        count: String(ACL_PAGE),
      });
      const acls = await get(
        `${base}/rest/organizationAcls?${query.toString()}`,
        token,
        Acls,
        signal,
      );
      for (const acl of acls.elements) {
        if (ORGANIZATION.test(acl.organization) && !found.includes(acl.organization)) {
          found.push(acl.organization);
        }
      }
      if (acls.elements.length < ACL_PAGE) break;
    }
    return found;
  }

  return {
    platform: 'linkedin',
    authorizeUrl({ redirectUri, state }) {
      return new OAuth2Client(config.clientId, null, redirectUri)
        .createAuthorizationURL(authorizeEndpoint, state, LINKEDIN_SCOPES)
        .toString();
    },
    async complete({ code, redirectUri, signal }): Promise<GrantedIdentity[]> {
      const tokens = await exchange(code, redirectUri, signal);
      const token = tokens.access_token;
      const shared = {
        accessToken: token,
        refreshToken: tokens.refresh_token ?? null,
        expiresAt: new Date(clock().getTime() + tokens.expires_in * 1000),
      };
      const member = await get(`${base}/v2/userinfo`, token, UserInfo, signal);
      const identities: GrantedIdentity[] = [
        { externalId: `urn:li:person:${member.sub}`, handle: member.name ?? member.sub, ...shared },
      ];
      for (const urn of await administered(token, signal)) {
        const id = ORGANIZATION.exec(urn)![1]!;
        const organization = await get(
          `${base}/rest/organizations/${id}`,
          token,
          Organization,
          signal,
        );
        identities.push({ externalId: urn, handle: organization.localizedName ?? urn, ...shared });
      }
      return identities;
    },
  };
}
