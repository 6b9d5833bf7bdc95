// Facebook Pages through the Graph API: a text post is one POST to /{page-id}/feed. The base
// URL is https://graph.facebook.com in production and the sandbox's /facebook elsewhere.
import { z } from 'zod';
import { AmbiguousPublishError, RetryablePublishError } from '../errors.ts';
import type { AdapterHttpConfig, PlatformAdapter } from '../types.ts';
import { classifyGraphError, classifyNetworkError } from './errors.ts';

export interface FacebookAdapterConfig extends AdapterHttpConfig {
  /** Graph API version, e.g. `v21.0` (the default). */
  apiVersion?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const now = () => new Date();

const PublishResponse = z.object({ id: z.string().min(1) });
const PermalinkResponse = z.object({ permalink_url: z.url({ protocol: /^https?$/ }) });

export function createFacebookAdapter(config: FacebookAdapterConfig): PlatformAdapter {
  const root = `${config.baseUrl.replace(/\/+$/, '')}/${config.apiVersion ?? 'v21.0'}`;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const graph = (path: string, init: RequestInit, signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return (config.fetch ?? fetch)(`${root}/${path}`, {
      ...init,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  };

  /** Best effort: the post is already published, so any failure falls back to a URL we can build. */
  async function permalink(id: string, accessToken: string, signal?: AbortSignal) {
    try {
      const response = await graph(
        `${encodeURIComponent(id)}?fields=permalink_url`,
        { headers: { authorization: `Bearer ${accessToken}` } },
        signal,
      );
      const body: unknown = await response.json();
      if (response.ok) return PermalinkResponse.parse(body).permalink_url;
    } catch {
      // The fallback below is good enough; never fail a publish that succeeded.
    }
    return `https://www.facebook.com/${id}`;
  }

  return {
    platform: 'facebook',
    async publish({ accountExternalId, accessToken, caption, signal }) {
      if (signal?.aborted) {
        throw new RetryablePublishError('Publishing was cancelled before anything was sent.');
      }
      let response: Response;
      let body: unknown;
      try {
        response = await graph(
          `${encodeURIComponent(accountExternalId)}/feed`,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${accessToken}` },
            body: new URLSearchParams({ message: caption }),
          },
          signal,
        );
        body = parseJson(await response.text());
      } catch (error) {
        throw classifyNetworkError(error, { timeoutMs });
      }
      if (!response.ok) {
        throw classifyGraphError(response.status, body, response.headers, (config.now ?? now)());
      }

      const published = PublishResponse.safeParse(body);
      if (!published.success) {
        // A 2xx we cannot read: Facebook probably posted, but we have no id to prove it.
        throw new AmbiguousPublishError(
          `Facebook answered HTTP ${response.status} without a post id.`,
          { platformCode: `http_${response.status}` },
        );
      }
      const { id } = published.data;
      return { externalId: id, url: await permalink(id, accessToken, signal) };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
