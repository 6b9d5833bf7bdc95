// Connecting Instagram professional accounts (Instagram API with Facebook Login): the person
// grants Pages on Facebook Login's dialog with Instagram scopes; Herald exchanges the code for a
// user token and that for a long-lived one (fb_exchange_token, about 60 days), then lists the
// Pages with `GET /me/accounts?fields=id,name,access_token,instagram_business_account{id,username}`.
// Every Page with a linked Instagram account gives one identity: the Instagram user id, its
// @username, and the long-lived USER token, which is what Instagram's content publishing takes
// (the adapter publishes with it, and renews it with fb_exchange_token before it expires).
// Facebook Login's steps are shared with the Facebook connector (../facebook/login.ts).
import { z } from 'zod';
import { createFacebookLogin } from '../facebook/login.ts';
import type { GrantedIdentity, PlatformConnector } from '../types.ts';
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

const Page = z.object({
  id: z.string(),
  name: z.string().optional(),
  instagram_business_account: z
    .object({ id: z.string().min(1), username: z.string().optional() })
    .optional(),
});

export function createInstagramConnector(config: InstagramConnectorConfig): PlatformConnector {
  const login = createFacebookLogin({
    ...config,
    apiVersion: config.apiVersion ?? 'v21.0',
    classifyError: classifyInstagramError,
  });
  return {
    platform: 'instagram',
    authorizeUrl: ({ redirectUri, state }) =>
      login.dialogUrl({ redirectUri, state, scopes: INSTAGRAM_SCOPES }),
    async complete({ code, redirectUri, signal }): Promise<GrantedIdentity[]> {
      const user = await login.longLivedUserToken({
        code,
        redirectUri,
        ...(signal ? { signal } : {}),
      });
      const pages = await login.pages({
        userToken: user.accessToken,
        fields: 'id,name,access_token,instagram_business_account{id,username}',
        schema: Page,
        ...(signal ? { signal } : {}),
      });
      const identities: GrantedIdentity[] = [];
      for (const { instagram_business_account: ig } of pages) {
        // A Page without a linked Instagram professional account has nothing to publish to.
        if (!ig || identities.some((i) => i.externalId === ig.id)) continue;
        identities.push({
          externalId: ig.id,
          handle: ig.username ? `@${ig.username}` : ig.id,
          accessToken: user.accessToken,
          refreshToken: null,
          expiresAt: user.expiresAt,
        });
      }
      return identities;
    },
  };
}
