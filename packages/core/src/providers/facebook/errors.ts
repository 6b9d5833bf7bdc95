// Turns a failed Graph API call into a PublishError. Each branch answers two questions: did
// Facebook act on the request, and can trying again help? Codes are from Meta's Graph API
// error-handling and rate-limiting docs.
import { classifyNetworkFailure, retryAfter } from '../network-errors.ts';
import { z } from 'zod';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  type PublishError,
  RateLimitedPublishError,
  RetryablePublishError,
} from '../errors.ts';

/** Graph's error envelope, shared by every API on graph.facebook.com (Instagram's too). */
export const GraphErrorEnvelope = z.object({
  error: z.object({
    code: z.number(),
    error_subcode: z.number().optional(),
    message: z.string().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
  }),
});

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001]);

const TOKEN_PROBLEMS: Record<number, string> = {
  458: "Herald was removed from the Facebook account's apps",
  460: 'the Facebook password was changed',
  463: 'the access token expired',
  467: 'the access token is no longer valid',
};

/**
 * A Graph call answered without Graph's envelope: something in front of Graph spoke. A bare 429
 * comes from Meta's edge before Graph saw the request (nothing was published); a bare 5xx
 * usually from a proxy, so the request may have got through.
 */
export function bareGraphAnswer(
  platform: string,
  status: number,
  headers: Headers,
  now: Date,
): PublishError {
  const platformCode = `http_${status}`;
  if (status === 429) {
    const retryAt = retryAfter(headers, now);
    return new RateLimitedPublishError(`${platform} asked Herald to slow down (HTTP 429).`, {
      platformCode,
      ...(retryAt ? { retryAt } : {}),
    });
  }
  if (status >= 500) {
    return new AmbiguousPublishError(`${platform} answered HTTP ${status} without details.`, {
      platformCode,
    });
  }
  return new PermanentPublishError(`${platform} rejected the request (HTTP ${status}).`, {
    platformCode,
  });
}

export function classifyGraphError(
  status: number,
  body: unknown,
  headers: Headers,
  now: Date = new Date(),
): PublishError {
  const parsed = GraphErrorEnvelope.safeParse(body);
  if (!parsed.success) return bareGraphAnswer('Facebook', status, headers, now);

  const { code, error_subcode: subcode, is_transient } = parsed.data.error;
  const platformCode = subcode === undefined ? String(code) : `${code}/${subcode}`;
  const detail = parsed.data.error.error_user_msg ?? parsed.data.error.message ?? `error ${code}`;
  const options = { platformCode };

  const version = graphVersionRefusal('Facebook', code, detail, options);
  if (version) return version;
  // Meta documents 1 and 2 as temporary server trouble, to be retried later.
  if (code === 1 || code === 2) {
    return new RetryablePublishError(`Facebook had a temporary problem: ${detail}`, options);
  }
  if (RATE_LIMIT_CODES.has(code)) {
    const retryAt = regainAccessAt(headers, now);
    return new RateLimitedPublishError(`Facebook is limiting requests for now: ${detail}`, {
      ...options,
      ...(retryAt ? { retryAt } : {}),
    });
  }
  if (code === 190 || code === 102) {
    const problem =
      (subcode !== undefined && TOKEN_PROBLEMS[subcode]) || 'Facebook rejected the access token';
    return new AuthPublishError(
      `Facebook no longer accepts Herald's access to this Page (${problem}). Reconnect the Page to keep publishing.`,
      options,
    );
  }
  if (code === 10 || (code >= 200 && code <= 299)) {
    return new AuthPublishError(
      `Herald is missing a Facebook permission for this Page (${detail}). Reconnect the Page and grant every permission Herald asks for.`,
      options,
    );
  }
  if (code === 368) {
    // A policy block usually lasts longer than our retry schedule, and posting into it again
    // can extend it: wait only when Facebook says for how long, else fail so a person looks.
    const retryAt = regainAccessAt(headers, now);
    const message = `Facebook has temporarily blocked posting from this Page: ${detail}`;
    return retryAt
      ? new RateLimitedPublishError(message, { ...options, retryAt })
      : new PermanentPublishError(message, options);
  }
  if (code === 506) {
    // Facebook refuses a post identical to a recent one: ours may already be there.
    return new AmbiguousPublishError(
      `Facebook says this duplicates a recent post on the Page: ${detail}`,
      options,
    );
  }
  if (is_transient === true) {
    return new RetryablePublishError(`Facebook had a temporary problem: ${detail}`, options);
  }
  // Graph explained a 5xx with a code we do not know: it may still have acted.
  if (code !== 100 && status >= 500) {
    return new AmbiguousPublishError(`Facebook answered HTTP ${status}: ${detail}`, options);
  }
  return new PermanentPublishError(detail, options);
}

/**
 * Graph refusing the version Herald calls: 2635 ("You are calling a deprecated version of the
 * … API. Please update to the latest version") or 12 ("… is deprecated for versions vX and
 * higher"). Graph usually serves an expired version's calls with the oldest live one instead,
 * but where it refuses, every call fails the same way until the setting changes: permanent,
 * naming the setting. Shared with Instagram, which uses the same setting.
 */
export function graphVersionRefusal(
  platform: 'Facebook' | 'Instagram',
  code: number,
  detail: string,
  options: { platformCode: string },
): PublishError | undefined {
  const deprecatedCall = code === 12 && /deprecated/i.test(detail);
  if (code !== 2635 && !deprecatedCall) return undefined;
  return new PermanentPublishError(
    `${platform} refuses the Graph API version Herald is configured to call (${detail}). Set FACEBOOK_GRAPH_VERSION to a version Meta still serves (developers.facebook.com/docs/graph-api/changelog) and restart Herald.`,
    options,
  );
}

/** A fetch that threw: retryable only when the request provably never left this machine. */
export function classifyNetworkError(error: unknown, options: { timeoutMs: number }): PublishError {
  return classifyNetworkFailure(error, { platform: 'Facebook', ...options });
}

const BusinessUseCaseUsage = z.record(
  z.string(),
  z.array(z.object({ estimated_time_to_regain_access: z.number().optional() })),
);

/** `X-Business-Use-Case-Usage` says, per business object, how many minutes until calls work again. */
export function regainAccessAt(headers: Headers, now: Date): Date | undefined {
  const raw = headers.get('x-business-use-case-usage');
  if (!raw) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const usage = BusinessUseCaseUsage.safeParse(json);
  if (!usage.success) return undefined;
  const minutes = Math.max(
    0,
    ...Object.values(usage.data).flatMap((entries) =>
      entries.map((e) => e.estimated_time_to_regain_access ?? 0),
    ),
  );
  return minutes > 0 ? new Date(now.getTime() + minutes * 60_000) : undefined;
}
