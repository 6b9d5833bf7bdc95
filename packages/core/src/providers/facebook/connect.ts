// Connecting Facebook Pages (Facebook Login, manual flow): the person grants Pages on the OAuth
// dialog; Herald exchanges the code for a user token, that for a long-lived one, and lists the
// granted Pages with /me/accounts — each Page's token from a long-lived user token does not
// expire (../shared/reference/platform-apis.md). Facebook does not use PKCE here.
import { z } from 'zod';
import type { GrantedIdentity, PlatformConnector } from '../types.ts';
import { classifyGraphError } from './errors.ts';
import { createFacebookLogin } from './login.ts';

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

const Page = z.object({ id: z.string(), name: z.string(), access_token: z.string().min(1) });

export function createFacebookConnector(config: FacebookConnectorConfig): PlatformConnector {
  const login = createFacebookLogin({
    ...config,
    apiVersion: config.apiVersion ?? 'v21.0',
    classifyError: classifyGraphError,
  });
  return {
    platform: 'facebook',
    authorizeUrl: ({ redirectUri, state }) =>
      login.dialogUrl({ redirectUri, state, scopes: FACEBOOK_SCOPES }),
    async complete({ code, redirectUri, signal }): Promise<GrantedIdentity[]> {
      // A long-lived user token makes Page tokens that do not expire.
      const user = await login.longLivedUserToken({
        code,
        redirectUri,
        ...(signal ? { signal } : {}),
      });
      const pages = await login.pages({
        userToken: user.accessToken,
        fields: 'id,name,access_token',
        schema: Page,
        ...(signal ? { signal } : {}),
      });
      return pages.map((page) => ({
        externalId: page.id,
        handle: page.name,
        accessToken: page.access_token,
        refreshToken: null,
        expiresAt: null,
      }));
    },
  };
}
