import { PLATFORM_LABELS, type Platform } from '../domain/platforms.ts';
import { PermanentPublishError } from './errors.ts';
import { createFacebookAdapter, type FacebookAdapterConfig } from './facebook/adapter.ts';
import {
  createGoogleBusinessAdapter,
  type GoogleBusinessAdapterConfig,
} from './google-business/adapter.ts';
import { createInstagramAdapter, type InstagramAdapterConfig } from './instagram/adapter.ts';
import { createLinkedInAdapter, type LinkedInAdapterConfig } from './linkedin/adapter.ts';
import { createTikTokAdapter, type TikTokAdapterConfig } from './tiktok/adapter.ts';
import type { PlatformAdapter } from './types.ts';
import { createXAdapter, type XAdapterConfig } from './x/adapter.ts';
import { createYouTubeAdapter, type YouTubeAdapterConfig } from './youtube/adapter.ts';

export interface AdapterRegistryConfig {
  facebook: FacebookAdapterConfig;
  /** Instagram is offered only when configured. */
  instagram?: InstagramAdapterConfig;
  x?: XAdapterConfig;
  /** LinkedIn is published to only when configured. */
  linkedin?: LinkedInAdapterConfig;
  google_business?: GoogleBusinessAdapterConfig;
  /** TikTok is published to only when configured. */
  tiktok?: TikTokAdapterConfig;
  youtube?: YouTubeAdapterConfig;
}

export function createAdapterRegistry(
  config: AdapterRegistryConfig,
): (platform: Platform) => PlatformAdapter {
  const adapters: Partial<Record<Platform, PlatformAdapter>> = {
    facebook: createFacebookAdapter(config.facebook),
    ...(config.instagram ? { instagram: createInstagramAdapter(config.instagram) } : {}),
    ...(config.x ? { x: createXAdapter(config.x) } : {}),
    ...(config.linkedin ? { linkedin: createLinkedInAdapter(config.linkedin) } : {}),
    ...(config.google_business
      ? { google_business: createGoogleBusinessAdapter(config.google_business) }
      : {}),
    ...(config.tiktok ? { tiktok: createTikTokAdapter(config.tiktok) } : {}),
    ...(config.youtube ? { youtube: createYouTubeAdapter(config.youtube) } : {}),
  };
  return (platform) => {
    const adapter = adapters[platform];
    // A PublishError (still an Error) so the publishing service fails the target with this
    // message instead of treating an unknown throw as "may have been published".
    if (!adapter) {
      throw new PermanentPublishError(
        `Herald cannot publish to ${PLATFORM_LABELS[platform]} yet: there is no adapter for "${platform}".`,
      );
    }
    return adapter;
  };
}
