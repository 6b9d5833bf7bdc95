// Facebook Pages through the Graph API: a text post is one POST to /{page-id}/feed; reconcile
// reads the post back by id, or lists the Page's feed around the attempt. The base URL is
// https://graph.facebook.com in production and the sandbox's /facebook elsewhere.
import { z } from 'zod';
import { PLATFORM_RULES } from '../../domain/platform-rules.ts';
import { AmbiguousPublishError, RetryablePublishError, type PublishError } from '../errors.ts';
import type {
  AdapterHttpConfig,
  PlatformAdapter,
  ProviderProgress,
  ReconcileOutcome,
  ReconcileRequest,
} from '../types.ts';
import { classifyGraphError, classifyNetworkError } from './errors.ts';

export interface FacebookAdapterConfig extends AdapterHttpConfig {
  /** Graph API version, e.g. `v21.0` (the default). */
  apiVersion?: string;
  /**
   * Where people open a post: `{webUrl}/{post id}`. Default https://www.facebook.com for the
   * real Graph API (it resolves `{page}_{post}` ids), and `{baseUrl}/posts` for the sandbox.
   */
  webUrl?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const now = () => new Date();

/** Reconcile looks this far either side of the attempt: clocks and Graph's timestamps differ. */
const RECONCILE_SLACK_MS = 2 * 60_000;
/** Feed pages (of 100 posts) reconcile reads at most; a Page posting more in minutes is rare. */
const MAX_FEED_PAGES = 5;

const PublishResponse = z.object({ id: z.string().min(1) });
/** What the adapter remembers between attempts: the post, once Facebook has named it. */
const FacebookProgress = z.object({ postId: z.string().min(1) });
const FeedResponse = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      message: z.string().optional(),
      created_time: z.string().optional(),
      permalink_url: z.string().optional(),
    }),
  ),
  paging: z.object({ next: z.string().optional() }).optional(),
});

export function createFacebookAdapter(config: FacebookAdapterConfig): PlatformAdapter {
  const root = `${config.baseUrl.replace(/\/+$/, '')}/${config.apiVersion ?? 'v21.0'}`;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = config.now ?? now;
  const graph = (pathOrUrl: string, init: RequestInit, signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${root}/${pathOrUrl}`;
    return (config.fetch ?? fetch)(url, {
      ...init,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  };
  const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });

  // The link is built from the id: asking Graph for `permalink_url` would cost a second
  // request on every publish for the same page.
  const base = config.baseUrl.replace(/\/+$/, '');
  const web = (
    config.webUrl ??
    (/^https:\/\/graph\.facebook\.com$/.test(base) ? 'https://www.facebook.com' : `${base}/posts`)
  ).replace(/\/+$/, '');
  const postUrl = (id: string) => `${web}/${encodeURIComponent(id)}`;

  /** A GET whose failure is reported, not thrown: reconcile turns it into `unknown`. */
  async function read(
    pathOrUrl: string,
    accessToken: string,
    signal?: AbortSignal,
  ): Promise<{ body: unknown } | { error: PublishError }> {
    let response: Response;
    let body: unknown;
    try {
      response = await graph(pathOrUrl, { headers: bearer(accessToken) }, signal);
      body = parseJson(await response.text());
    } catch (error) {
      return { error: classifyNetworkError(error, { timeoutMs }) };
    }
    if (!response.ok)
      return { error: classifyGraphError(response.status, body, response.headers, clock()) };
    return { body };
  }

  async function reconcile({
    account,
    content,
    progress,
    window,
    signal,
  }: ReconcileRequest): Promise<ReconcileOutcome> {
    const known = progressOf(progress);
    if (known) {
      // Facebook named the post before we lost the answer: it was published.
      return {
        status: 'published',
        post: { externalId: known.postId, url: postUrl(known.postId) },
      };
    }
    const since = Math.floor((window.from.getTime() - RECONCILE_SLACK_MS) / 1000);
    const until = Math.ceil((window.to.getTime() + RECONCILE_SLACK_MS) / 1000);
    const query = new URLSearchParams({
      fields: 'id,message,created_time,permalink_url',
      since: String(since),
      until: String(until),
      limit: '100',
    });
    let next: string | undefined =
      `${encodeURIComponent(account.externalId)}/feed?${query.toString()}`;
    for (let page = 0; next && page < MAX_FEED_PAGES; page += 1) {
      const result = await read(next, account.accessToken, signal);
      if ('error' in result) {
        return {
          status: 'unknown',
          reason: `Herald could not read the Page's recent posts: ${result.error.message}`,
        };
      }
      const feed = FeedResponse.safeParse(result.body);
      if (!feed.success) {
        return {
          status: 'unknown',
          reason: "Facebook answered the Page's feed in a form Herald does not understand.",
        };
      }
      // Our exact text on our Page within minutes of the attempt: ours. (We add no marker to
      // people's captions, so an identical post made by hand in that window would count too.)
      const match = feed.data.data.find((post) => post.message === content.caption);
      if (match) {
        return {
          status: 'published',
          post: {
            externalId: match.id,
            url: match.permalink_url ?? postUrl(match.id),
          },
        };
      }
      next = feed.data.paging?.next;
    }
    if (next) {
      return {
        status: 'unknown',
        reason: `The Page posted more than ${MAX_FEED_PAGES * 100} times around the attempt; Herald stopped looking.`,
      };
    }
    return { status: 'not_published' };
  }

  return {
    platform: 'facebook',
    rules: PLATFORM_RULES.facebook,
    async publish({ account, content, progress, signal }) {
      const known = progressOf(progress);
      if (known) {
        // An earlier attempt got the id and stopped before settling: the post exists.
        return { externalId: known.postId, url: postUrl(known.postId) };
      }
      if (signal?.aborted) {
        throw new RetryablePublishError('Publishing was cancelled before anything was sent.');
      }
      let response: Response;
      let body: unknown;
      try {
        response = await graph(
          `${encodeURIComponent(account.externalId)}/feed`,
          {
            method: 'POST',
            headers: bearer(account.accessToken),
            body: new URLSearchParams({ message: content.caption }),
          },
          signal,
        );
        body = parseJson(await response.text());
      } catch (error) {
        throw classifyNetworkError(error, { timeoutMs });
      }
      if (!response.ok) throw classifyGraphError(response.status, body, response.headers, clock());

      const published = PublishResponse.safeParse(body);
      if (!published.success) {
        // A 2xx we cannot read: Facebook probably posted, but we have no id to prove it.
        throw new AmbiguousPublishError(
          `Facebook answered HTTP ${response.status} without a post id.`,
          {
            platformCode: `http_${response.status}`,
          },
        );
      }
      const { id } = published.data;
      // No saveProgress: this was the last step, and the engine records the id as it settles.
      // Should it crash first, reconcile finds the post in the Page's feed.
      return { externalId: id, url: postUrl(id) };
    },
    reconcile: async (request) => {
      try {
        return await reconcile(request);
      } catch (error) {
        // Reconcile only reads, so an unexpected failure is no reason to guess: a person decides.
        const reason = error instanceof Error ? error.message : String(error);
        return { status: 'unknown', reason: `Herald could not check Facebook: ${reason}` };
      }
    },
  };
}

function progressOf(progress: ProviderProgress | null) {
  const parsed = FacebookProgress.safeParse(progress);
  return parsed.success ? parsed.data : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
