// The Posts API (Microsoft Learn, "Posts API"): `POST /rest/posts` creates a post and answers
// 201 with an empty body and its URN in `x-restli-id`; `GET /rest/posts?q=author&author={urn}`
// lists an author's posts (`count`, `start`, `sortBy` LAST_MODIFIED or CREATED), newest first.
// Content: one image or one video (`content.media.id`, a video with an optional `title`), 2–20
// images (`content.multiImage`), or an article link (`content.article`: `source` and `title`
// required, `description` and a `thumbnail` image URN optional).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyUnderFault } from '../../faults.ts';
import { json, readBody, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import type { PostMedia } from '../../store.ts';
import {
  injectedLinkedInError,
  linkedinErrorReply,
  linkedinErrors,
  type LinkedInError,
} from './errors.ts';
import { displayLittleText, littleTextLength } from './little-text.ts';
import { isLinkedInError, restRefusal } from './request.ts';
import { linkedinState, type LinkedInPost } from './state.ts';

/** Commentary is capped at 3,000 characters (escapes not counted: ./little-text.ts). */
export const MAX_COMMENTARY = 3_000;
const VISIBILITIES = ['PUBLIC', 'CONNECTIONS', 'LOGGED_IN', 'CONTAINER'];
const LIFECYCLE_STATES = ['PUBLISHED', 'DRAFT', 'PUBLISH_REQUESTED'];
const FEED_DISTRIBUTIONS = ['MAIN_FEED', 'NONE'];
const AUTHOR = /^urn:li:(?:person|organization):[A-Za-z0-9_-]+$/;
/** LinkedIn refuses an identical post by the same author made this recently. */
export const DUPLICATE_WINDOW_MS = 24 * 60 * 60_000;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export async function createPost(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
): Promise<void> {
  const raw = await readBody(req);
  const fault = ctx.store.takeFault('linkedin', 'publish');
  const act = (): Reply => {
    const auth = restRefusal(req, ctx.store, new Date());
    if (isLinkedInError(auth)) return linkedinErrorReply(auth);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return linkedinErrorReply(linkedinErrors.notJson());
    }
    if (!isObject(body)) return linkedinErrorReply(linkedinErrors.notJson());
    const problems = schemaProblems(body);
    if (problems.length) return linkedinErrorReply(linkedinErrors.schema(problems));
    const author = body.author as string;
    if (!auth.actsFor.includes(author)) {
      return linkedinErrorReply(linkedinErrors.accessDenied('POST', '/posts'));
    }
    const commentary = typeof body.commentary === 'string' ? body.commentary : '';
    if (littleTextLength(commentary) > MAX_COMMENTARY) {
      return linkedinErrorReply(linkedinErrors.commentaryTooLong(littleTextLength(commentary)));
    }
    const media = contentMedia(body.content, author, ctx);
    if (isLinkedInError(media)) return linkedinErrorReply(media);

    const state = linkedinState(ctx.store);
    const now = Date.now();
    const duplicate = commentary
      ? state.posts.find(
          (p) =>
            p.author === author &&
            p.commentary === commentary &&
            now - p.createdAt < DUPLICATE_WINDOW_MS,
        )
      : undefined;
    if (duplicate) return linkedinErrorReply(linkedinErrors.duplicate(duplicate.id));

    const urn = `urn:li:share:${ctx.store.nextNumericId()}`;
    const post: LinkedInPost = {
      id: urn,
      author,
      commentary,
      visibility: body.visibility as string,
      distribution: body.distribution,
      lifecycleState: body.lifecycleState as string,
      isReshareDisabledByAuthor: body.isReshareDisabledByAuthor === true,
      ...(body.content !== undefined ? { content: body.content } : {}),
      createdAt: now,
      lastModifiedAt: now,
    };
    state.posts.push(post);
    ctx.store.recordPost({
      platform: 'linkedin',
      accountId: author,
      id: urn,
      message: displayLittleText(commentary),
      ...(media.length ? { media } : {}),
      ...(articleUrl(body.content) ? { link: articleUrl(body.content)! } : {}),
      ...(videoTitle(body.content) ? { title: videoTitle(body.content)! } : {}),
      createdAt: new Date(now).toISOString(),
    });
    ctx.store.attachMedia(
      'linkedin',
      media.map((m) => m.id),
      urn,
    );
    return { status: 201, headers: { 'x-restli-id': urn }, body: '' };
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}

/** Rest.li's schema check of a new post: required fields and enum values. */
function schemaProblems(body: Json): string[] {
  const problems: string[] = [];
  const required = ['author', 'visibility', 'distribution', 'lifecycleState'] as const;
  for (const name of required) {
    if (body[name] === undefined) problems.push(linkedinErrors.requiredField(`/${name}`));
  }
  // `commentary` is optional in the schema, but a post needs text or content.
  if (body.commentary === undefined && body.content === undefined) {
    problems.push(linkedinErrors.requiredField('/commentary'));
  }
  if (body.author !== undefined && (typeof body.author !== 'string' || !AUTHOR.test(body.author))) {
    problems.push(`/author :: ${shown(body.author)} is not a valid person or organization URN`);
  }
  const enums = [
    ['/visibility', body.visibility, VISIBILITIES],
    ['/lifecycleState', body.lifecycleState, LIFECYCLE_STATES],
    [
      '/distribution/feedDistribution',
      isObject(body.distribution) ? body.distribution.feedDistribution : undefined,
      FEED_DISTRIBUTIONS,
    ],
  ] as const;
  for (const [path, value, allowed] of enums) {
    if (value === undefined) {
      if (path === '/distribution/feedDistribution' && body.distribution !== undefined) {
        problems.push(linkedinErrors.requiredField(path));
      }
    } else if (typeof value !== 'string' || !allowed.includes(value)) {
      problems.push(linkedinErrors.invalidValue(path, shown(value)));
    }
  }
  if (body.commentary !== undefined && typeof body.commentary !== 'string') {
    problems.push('/commentary :: not a string');
  }
  return problems;
}

/**
 * The media a post's `content` names (`media.id`, `multiImage.images[].id`, an article's
 * `thumbnail`), each checked: it exists, belongs to the author and is AVAILABLE.
 */
function contentMedia(
  content: unknown,
  author: string,
  ctx: SandboxContext,
): PostMedia[] | LinkedInError {
  if (content === undefined) return [];
  if (!isObject(content)) return linkedinErrors.schema(['/content :: not a record']);
  let ids: unknown[];
  if (isObject(content.media)) {
    if (content.media.title !== undefined && typeof content.media.title !== 'string') {
      return linkedinErrors.schema(['/content/media/title :: not a string']);
    }
    ids = [content.media.id];
  } else if (isObject(content.multiImage)) {
    const images = content.multiImage.images;
    if (!Array.isArray(images)) {
      return linkedinErrors.schema([linkedinErrors.requiredField('/content/multiImage/images')]);
    }
    if (images.length < 2 || images.length > 20)
      return linkedinErrors.multiImageCount(images.length);
    ids = images.map((image) => (isObject(image) ? image.id : undefined));
    if (ids.some((id) => typeof id === 'string' && id.startsWith('urn:li:video:'))) {
      return linkedinErrors.schema(['/content/multiImage/images :: only image URNs are allowed']);
    }
  } else if (isObject(content.article)) {
    const problems = articleProblems(content.article);
    if (problems.length) return linkedinErrors.schema(problems);
    const thumbnail = content.article.thumbnail;
    if (thumbnail === undefined) return [];
    if (typeof thumbnail !== 'string' || !thumbnail.startsWith('urn:li:image:')) {
      return linkedinErrors.schema([
        `/content/article/thumbnail :: ${shown(thumbnail)} is not a valid image URN`,
      ]);
    }
    ids = [thumbnail];
  } else {
    return linkedinErrors.schema(['/content :: unsupported content type']);
  }
  const state = linkedinState(ctx.store);
  const media: PostMedia[] = [];
  for (const id of ids) {
    if (typeof id !== 'string')
      return linkedinErrors.schema([linkedinErrors.requiredField('/content/media/id')]);
    // Documents are not emulated: only image and video URNs are known.
    const known = id.startsWith('urn:li:video:') ? state.videos.get(id) : state.images.get(id);
    if (!known || known.owner !== author) return linkedinErrors.unknownMedia(id);
    if (known.status !== 'AVAILABLE') return linkedinErrors.mediaNotReady(id, known.status);
    media.push({ id, kind: id.startsWith('urn:li:video:') ? 'video' : 'image' });
  }
  return media;
}

/** An article's schema: `source` (a URL) and `title` required, `description` a string. */
function articleProblems(article: Json): string[] {
  const problems: string[] = [];
  const { source, title, description } = article;
  if (source === undefined) {
    problems.push(linkedinErrors.requiredField('/content/article/source'));
  } else if (typeof source !== 'string' || !isWebUrl(source)) {
    problems.push(`/content/article/source :: ${shown(source)} is not a valid URL`);
  }
  if (title === undefined) {
    problems.push(linkedinErrors.requiredField('/content/article/title'));
  } else if (typeof title !== 'string') {
    problems.push('/content/article/title :: not a string');
  }
  if (description !== undefined && typeof description !== 'string') {
    problems.push('/content/article/description :: not a string');
  }
  return problems;
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function videoTitle(content: unknown): string | undefined {
  if (!isObject(content) || !isObject(content.media)) return undefined;
  const { id, title } = content.media;
  return typeof id === 'string' && id.startsWith('urn:li:video:') && typeof title === 'string'
    ? title
    : undefined;
}

/** A JSON value as an error message quotes it. */
const shown = (value: unknown) => JSON.stringify(value) ?? 'undefined';

function articleUrl(content: unknown): string | undefined {
  if (!isObject(content) || !isObject(content.article)) return undefined;
  return typeof content.article.source === 'string' ? content.article.source : undefined;
}

const MAX_COUNT = 100;
const DEFAULT_COUNT = 10;

/** `GET /rest/posts?q=author&author={urn}&count&start&sortBy`: the finder by author. */
export async function findPostsByAuthor(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
): Promise<void> {
  const fault = ctx.store.takeFault('linkedin', 'read');
  const act = (): Reply => {
    const auth = restRefusal(req, ctx.store, new Date());
    if (isLinkedInError(auth)) return linkedinErrorReply(auth);
    const params = url.searchParams;
    if (params.get('q') !== 'author')
      return linkedinErrorReply(linkedinErrors.badFinderParameter('q'));
    const author = params.get('author');
    if (!author || !AUTHOR.test(author)) {
      return linkedinErrorReply(linkedinErrors.badFinderParameter('author'));
    }
    if (!auth.actsFor.includes(author)) {
      return linkedinErrorReply(linkedinErrors.accessDenied('GET', '/posts'));
    }
    const count = integer(params.get('count'), DEFAULT_COUNT);
    const start = integer(params.get('start'), 0);
    if (count === null || count < 0)
      return linkedinErrorReply(linkedinErrors.badFinderParameter('count'));
    if (start === null || start < 0)
      return linkedinErrorReply(linkedinErrors.badFinderParameter('start'));
    const sortBy = params.get('sortBy') ?? 'LAST_MODIFIED';
    if (sortBy !== 'LAST_MODIFIED' && sortBy !== 'CREATED') {
      return linkedinErrorReply(linkedinErrors.badFinderParameter('sortBy'));
    }
    const key = sortBy === 'CREATED' ? 'createdAt' : 'lastModifiedAt';
    const posts = linkedinState(ctx.store)
      .posts.filter((p) => p.author === author)
      .map((p, index) => ({ p, index }))
      // Newest first; among equal times, the later post first.
      .sort((a, b) => b.p[key] - a.p[key] || b.index - a.index)
      .map(({ p }) => p);
    const page = posts.slice(start, start + Math.min(count, MAX_COUNT));
    return json(200, {
      paging: { start, count: Math.min(count, MAX_COUNT), links: [], total: posts.length },
      elements: page.map((p) => ({
        id: p.id,
        author: p.author,
        commentary: p.commentary,
        visibility: p.visibility,
        distribution: p.distribution,
        lifecycleState: p.lifecycleState,
        isReshareDisabledByAuthor: p.isReshareDisabledByAuthor,
        ...(p.content !== undefined ? { content: p.content } : {}),
        createdAt: p.createdAt,
        lastModifiedAt: p.lastModifiedAt,
        publishedAt: p.createdAt,
        lifecycleStateInfo: { isEditedByAuthor: false },
      })),
    });
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}

function integer(value: string | null, fallback: number): number | null {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : null;
}
