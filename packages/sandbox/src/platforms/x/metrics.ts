// `GET /2/tweets/:id` (X API v2 "Post lookup by ID"), as much as Herald uses: the post with the
// fields asked for in `tweet.fields`, `public_metrics` among them (retweet, reply, like, quote,
// bookmark and impression counts). A post that does not exist (or was deleted) answers 200 with
// an `errors` array and no `data`, as X does. Counted against the user's 15-minute window like
// every call. Numbers come from ../../engagement.ts at the sandbox's clock.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { engagementAt } from '../../engagement.ts';
import { replyUnderFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { injectedProblem, problemReply, xErrors } from './errors.ts';
import { authorize } from './request.ts';
import { xState } from './state.ts';

const LOOKUP_FIELDS = new Set([
  'id',
  'text',
  'created_at',
  'author_id',
  'conversation_id',
  'edit_history_tweet_ids',
  'public_metrics',
]);

/** The route entry for index.ts: `GET /2/tweets/{id}`, else null. */
export function lookupRoute(req: IncomingMessage, segments: readonly string[]): string | null {
  const [a, b, c, d] = segments;
  return req.method === 'GET' && a === '2' && b === 'tweets' && c && !d ? c : null;
}

export async function lookupTweet(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  id: string,
  ctx: SandboxContext,
): Promise<void> {
  const state = xState(ctx.store);
  const fault = ctx.store.takeFault('x', 'read', state.tweets.get(id)?.authorId);
  const act = (): Reply => {
    const caller = authorize(req, ctx, 'GET /2/tweets/:id');
    if ('problem' in caller) return problemReply(caller.problem, caller.headers);
    const headers = caller.limit.headers;
    if (!/^\d{1,19}$/.test(id)) {
      return problemReply(
        xErrors.invalid(`The \`id\` query parameter value [${id}] is not valid`, 'id', id),
        headers,
      );
    }
    const fields = (url.searchParams.get('tweet.fields') ?? '').split(',').filter(Boolean);
    const unknown = fields.find((f) => !LOOKUP_FIELDS.has(f));
    if (unknown) {
      return problemReply(
        xErrors.invalid(
          `The \`tweet.fields\` query parameter value [${unknown}] is not one of [${[...LOOKUP_FIELDS].join(',')}]`,
          'tweet.fields',
          unknown,
        ),
        headers,
      );
    }
    const tweet = state.tweets.get(id);
    if (!tweet) {
      return json(
        200,
        {
          errors: [
            {
              value: id,
              detail: `Could not find tweet with id: [${id}].`,
              title: 'Not Found Error',
              resource_type: 'tweet',
              parameter: 'id',
              resource_id: id,
              type: 'https://api.twitter.com/2/problems/resource-not-found',
            },
          ],
        },
        headers,
      );
    }
    const data: Record<string, unknown> = {
      id: tweet.id,
      text: tweet.text,
      edit_history_tweet_ids: [tweet.id],
    };
    if (fields.includes('created_at')) data.created_at = tweet.createdAt;
    if (fields.includes('author_id')) data.author_id = tweet.authorId;
    if (fields.includes('conversation_id')) data.conversation_id = tweet.conversationId;
    if (fields.includes('public_metrics')) {
      const now = engagementAt(`x:${tweet.id}`, tweet.createdAt, ctx.now());
      // X counts reposts and quotes apart; the sandbox splits its shares between them.
      const quotes = Math.floor(now.shares / 3);
      data.public_metrics = {
        retweet_count: now.shares - quotes,
        reply_count: now.comments,
        like_count: now.likes,
        quote_count: quotes,
        bookmark_count: Math.floor(now.likes / 5),
        impression_count: now.impressions,
      };
    }
    return json(200, { data }, headers);
  };
  await replyUnderFault(req, res, fault, act, injectedProblem, ctx.closing);
}
