// Local posts, as the My Business v4 API has them (accounts.locations.localPosts):
// `POST /v4/accounts/{a}/locations/{l}/localPosts` creates one and answers the LocalPost,
// `GET …/localPosts` lists them newest first (pageSize 1–100, default 20, pageToken), and
// `GET …/localPosts/{id}` reads one. Google fetches a post's photo from `media[].sourceUrl`
// while it creates the post (a failed fetch is PHOTO_FETCH_FAILED), then reviews the post:
// one with a photo, or one its content policy will refuse (a phone number in the text — the
// sandbox's stand-in for that policy), answers PROCESSING for `processingPolls` reads, then
// LIVE or REJECTED. A video in a post answers a bare 500, as the real API was seen to (◐).
// Limits: summary ≤ 1,500 characters, event title ≤ 58 (◐ the API's own messages); photos
// JPEG or PNG, 10 KB–5 MB, at least 250 × 250 pixels (Google's photo guidelines).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyUnderFault } from '../../faults.ts';
import { escapeHtml, layout, mediaPath, postPath } from '../../html.ts';
import { html, json, readBody, send, text, type Reply } from '../../http.ts';
import { fetchRemoteMedia, signatures, type MediaSpec } from '../../remote-media.ts';
import type { SandboxContext } from '../../router.ts';
import { jpegSize } from '../instagram/containers.ts';
import { locationKey } from './directory.ts';
import {
  ERROR_CODE,
  googleErrorReply,
  googleErrors,
  injectedError,
  type ErrorDetail,
  type GoogleError,
} from './errors.ts';
import { LOCAL_POST, payloadProblem } from './payload.ts';
import { admit, authorizeLocation, isGoogleError } from './request.ts';
import {
  gbpState,
  pacificDate,
  type GoogleDate,
  type LocalPost,
  type StoredPost,
  type TimeOfDay,
} from './state.ts';

const KB = 1024;
const MB = 1024 * KB;
export const PHOTO_SPEC: MediaSpec = {
  types: { 'image/jpeg': signatures.jpeg, 'image/png': signatures.png },
  maxBytes: 5 * MB,
};
export const PHOTO_MIN_BYTES = 10 * KB;
export const PHOTO_MIN_SIDE = 250;
const SUMMARY_MAX = 1_500;
const EVENT_TITLE_MAX = 58;
const PAGE_DEFAULT = 20;
const PAGE_MAX = 100;

/** What a create request carries, once its shape is known to match the LocalPost message. */
interface IncomingPost {
  languageCode?: string;
  summary?: string;
  callToAction?: { actionType?: string; url?: string };
  event?: {
    title?: string;
    schedule?: {
      startDate?: GoogleDate;
      startTime?: TimeOfDay;
      endDate?: GoogleDate;
      endTime?: TimeOfDay;
    };
  };
  media?: Array<{ mediaFormat?: string; sourceUrl?: string }>;
  topicType?: string;
  alertType?: string;
  offer?: { couponCode?: string; redeemOnlineUrl?: string; termsConditions?: string };
}

const reply = (error: GoogleError) => googleErrorReply(error);

export async function createLocalPost(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
  accountId: string,
  locationId: string,
): Promise<void> {
  const raw = await readBody(req);
  const fault = ctx.store.takeFault(
    'google_business',
    'publish',
    locationKey(accountId, locationId),
  );
  const act = async (): Promise<Reply> => {
    const caller = admit(req, ctx);
    if (isGoogleError(caller)) return reply(caller);
    const place = authorizeLocation(caller.userId, accountId, locationId);
    if (isGoogleError(place)) return reply(place);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(googleErrors.badPayload('Invalid JSON payload received. Unexpected token.'));
    }
    const shape = payloadProblem(body, LOCAL_POST);
    if (shape) return reply(googleErrors.badPayload(shape.message, shape.field));
    const post = stripNulls(body) as IncomingPost;
    if (post.media?.some((m) => m.mediaFormat === 'VIDEO')) return reply(googleErrors.internal());
    const problems = validate(post);
    if (problems.length > 0) return reply(googleErrors.validation(problems));

    const state = gbpState(ctx.store);
    const dayKey = `${place.location} ${pacificDate(Date.now())}`;
    const madeToday = state.dailyPosts.get(dayKey) ?? 0;
    const cap = state.settings.dailyPostsPerLocation;
    if (cap !== null && madeToday >= cap) return reply(googleErrors.dailyPostQuota(cap));

    const id = ctx.store.nextNumericId();
    const name = `${place.location}/localPosts/${id}`;
    const createTime = new Date().toISOString();
    let photo: { id: string; sourceUrl: string } | null = null;
    const source = post.media?.[0]?.sourceUrl;
    if (source !== undefined) {
      const fetched = await fetchPhoto(ctx, source);
      if ('problem' in fetched) return reply(googleErrors.validation([fetched.problem]));
      photo = { id: ctx.store.nextNumericId(), sourceUrl: source };
      ctx.store.recordMedia(
        {
          platform: 'google_business',
          accountId: place.location,
          id: photo.id,
          kind: 'image',
          contentType: fetched.contentType,
          sizeBytes: fetched.bytes.length,
          postId: name,
          createdAt: createTime,
        },
        fetched.bytes,
      );
    }

    const topicType = post.topicType!;
    const underReview = photo !== null || breaksPolicy(post.summary ?? '');
    const stored: StoredPost = {
      location: place.location,
      post: {
        name,
        ...(post.languageCode ? { languageCode: post.languageCode } : {}),
        ...(post.summary !== undefined ? { summary: post.summary } : {}),
        // "Ignored for topic type OFFER": Google shows its own "View offer" button.
        ...(post.callToAction && topicType !== 'OFFER'
          ? { callToAction: { actionType: post.callToAction.actionType!, ...urlOf(post) } }
          : {}),
        createTime,
        updateTime: createTime,
        ...(post.event ? { event: post.event } : {}),
        state: underReview ? 'PROCESSING' : 'LIVE',
        ...(photo
          ? {
              media: [
                {
                  name: `${place.location}/media/${photo.id}`,
                  mediaFormat: 'PHOTO' as const,
                  sourceUrl: photo.sourceUrl,
                  googleUrl: `${ctx.publicUrl}${mediaPath({ platform: 'google_business' }, photo.id)}`,
                },
              ],
            }
          : {}),
        searchUrl: `${ctx.publicUrl}${postPath({ platform: 'google_business', id: name })}`,
        topicType,
        ...(post.alertType ? { alertType: post.alertType } : {}),
        ...(post.offer && topicType === 'OFFER' ? { offer: post.offer } : {}),
      },
      pollsLeft: underReview ? state.settings.processingPolls : 0,
      verdict: breaksPolicy(post.summary ?? '') ? 'REJECTED' : 'LIVE',
      mediaId: photo?.id ?? null,
    };
    state.posts.set(name, stored);
    state.dailyPosts.set(dayKey, madeToday + 1);
    ctx.store.recordPost({
      platform: 'google_business',
      accountId: place.location,
      id: name,
      message: post.summary ?? '',
      ...(post.event?.title ? { title: post.event.title } : {}),
      ...(post.callToAction?.url ? { link: post.callToAction.url } : {}),
      ...(photo ? { media: [{ id: photo.id, kind: 'image' as const }] } : {}),
      createdAt: createTime,
    });
    return json(200, stored.post);
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

const urlOf = (post: IncomingPost) =>
  post.callToAction?.url !== undefined ? { url: post.callToAction.url } : {};

/** JSON null means "not set" in proto3 JSON: drop it before looking at values. */
function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, stripNulls(v)]),
  );
}

/**
 * Sandbox stand-in for Google's posts content policy ("we do not allow your post content to
 * include a phone number"): an international number, a (555) area code or a 555-010-0199 shape.
 * The API accepts such a post; its review rejects it.
 */
export function breaksPolicy(summary: string): boolean {
  return /\+\d[\d\s().-]{6,}\d|\(\d{3}\)\s*\d{3}[-.\s]\d{4}|\b\d{3}[-.\s]\d{3}[-.\s]\d{4}\b/.test(
    summary,
  );
}

const codePoints = (s: string) => [...s].length;

/** Field-level refusals, as the v4 API lists them in its ValidationError (sandbox wording unless noted). */
function validate(post: IncomingPost): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const add = (code: number, field: string, message: string) =>
    problems.push({ code, field, message });
  const topic = post.topicType;
  if (!topic || topic === 'LOCAL_POST_TOPIC_TYPE_UNSPECIFIED') {
    add(ERROR_CODE.MISSING_VALUE, 'topic_type', 'Topic type is required.');
  }
  if (
    post.languageCode !== undefined &&
    !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(post.languageCode)
  ) {
    add(ERROR_CODE.INVALID_VALUE, 'language_code', `Invalid language code: ${post.languageCode}`);
  }
  if (post.summary !== undefined && codePoints(post.summary) > SUMMARY_MAX) {
    // ◐ The API's own words.
    add(
      ERROR_CODE.VALUE_OUTSIDE_ALLOWED_RANGE,
      'summary',
      `Must be at most ${SUMMARY_MAX} characters`,
    );
  }
  if ((topic === 'STANDARD' || topic === 'ALERT') && !post.summary?.trim()) {
    add(ERROR_CODE.MISSING_VALUE, 'summary', 'A summary is required for this topic type.');
  }
  if (topic === 'ALERT' && post.alertType !== 'COVID_19') {
    add(ERROR_CODE.MISSING_VALUE, 'alert_type', 'An alert post needs an alert type.');
  }
  if (topic === 'EVENT' || topic === 'OFFER') validateEvent(post, add);
  else if (post.event) {
    add(
      ERROR_CODE.INVALID_VALUE,
      'event',
      'Event details are only allowed on EVENT and OFFER posts.',
    );
  }
  if (post.offer && topic !== 'OFFER') {
    add(ERROR_CODE.INVALID_VALUE, 'offer', 'Offer details are only allowed on OFFER posts.');
  }
  if (post.offer?.redeemOnlineUrl !== undefined && !isWebUrl(post.offer.redeemOnlineUrl)) {
    add(ERROR_CODE.INVALID_VALUE, 'offer.redeem_online_url', 'Invalid URL.');
  }
  if (post.callToAction && topic !== 'OFFER') validateCallToAction(post.callToAction, add);
  const media = post.media ?? [];
  if (media.length > 1) {
    add(ERROR_CODE.TOO_MANY_ITEMS, 'media', 'A local post takes at most one photo.');
  }
  for (const [i, item] of media.entries()) {
    if (!item.mediaFormat || item.mediaFormat === 'MEDIA_FORMAT_UNSPECIFIED') {
      add(ERROR_CODE.MISSING_VALUE, `media[${i}].media_format`, 'Media format is required.');
    }
    if (!item.sourceUrl) {
      add(
        ERROR_CODE.MISSING_VALUE,
        `media[${i}].source_url`,
        'sourceUrl is the only supported data field and is required.',
      );
    }
  }
  return problems;
}

type Add = (code: number, field: string, message: string) => void;

function validateEvent(post: IncomingPost, add: Add) {
  const event = post.event;
  if (!event) {
    add(ERROR_CODE.MISSING_VALUE, 'event', 'Event and offer posts need an event.');
    return;
  }
  if (!event.title?.trim()) add(ERROR_CODE.MISSING_VALUE, 'event.title', 'A title is required.');
  else if (codePoints(event.title) > EVENT_TITLE_MAX) {
    // ◐ The API's own words.
    add(
      ERROR_CODE.VALUE_OUTSIDE_ALLOWED_RANGE,
      'event.title',
      `Must be at most ${EVENT_TITLE_MAX} characters`,
    );
  }
  const schedule = event.schedule ?? {};
  const parts = [
    ['start_date', schedule.startDate, dateProblem],
    ['start_time', schedule.startTime, timeProblem],
    ['end_date', schedule.endDate, dateProblem],
    ['end_time', schedule.endTime, timeProblem],
  ] as const;
  let complete = true;
  for (const [field, value, problemOf] of parts) {
    if (value === undefined) {
      complete = false;
      add(ERROR_CODE.MISSING_VALUE, `event.schedule.${field}`, 'Required.');
      continue;
    }
    const problem = problemOf(value);
    if (problem) {
      complete = false;
      add(ERROR_CODE.INVALID_VALUE, `event.schedule.${field}`, problem);
    }
  }
  if (
    complete &&
    instant(schedule.endDate!, schedule.endTime!) <=
      instant(schedule.startDate!, schedule.startTime!)
  ) {
    add(ERROR_CODE.INVERTED_RANGE, 'event.schedule', 'The event must end after it starts.');
  }
}

function validateCallToAction(cta: { actionType?: string; url?: string }, add: Add) {
  const type = cta.actionType;
  if (!type || type === 'ACTION_TYPE_UNSPECIFIED') {
    add(ERROR_CODE.MISSING_VALUE, 'call_to_action.action_type', 'An action type is required.');
    return;
  }
  if (type === 'GET_OFFER') {
    add(
      ERROR_CODE.UNSUPPORTED_VALUE,
      'call_to_action.action_type',
      'GET_OFFER is deprecated: make an OFFER post instead.',
    );
    return;
  }
  if (type === 'CALL') {
    if (cta.url !== undefined) {
      add(
        ERROR_CODE.INVALID_VALUE,
        'call_to_action.url',
        "A CALL action uses the location's phone number and takes no URL.",
      );
    }
    return;
  }
  if (cta.url === undefined)
    add(ERROR_CODE.MISSING_VALUE, 'call_to_action.url', 'A URL is required for this action type.');
  else if (!isWebUrl(cta.url)) add(ERROR_CODE.INVALID_VALUE, 'call_to_action.url', 'Invalid URL.');
}

function dateProblem(value: unknown): string | null {
  const d = value as GoogleDate;
  const ok =
    Number.isInteger(d.year) &&
    Number.isInteger(d.month) &&
    Number.isInteger(d.day) &&
    d.year >= 1 &&
    d.year <= 9999 &&
    d.month >= 1 &&
    d.month <= 12 &&
    d.day >= 1 &&
    d.day <= new Date(Date.UTC(d.year, d.month, 0)).getUTCDate();
  return ok ? null : 'Invalid date.';
}

function timeProblem(value: unknown): string | null {
  const t = value as TimeOfDay;
  const [h, m, s, n] = [t.hours ?? 0, t.minutes ?? 0, t.seconds ?? 0, t.nanos ?? 0];
  const ok =
    h >= 0 && h <= 24 && m >= 0 && m <= 59 && s >= 0 && s <= 59 && n >= 0 && n <= 999_999_999;
  return ok && (h < 24 || m + s + n === 0) ? null : 'Invalid time of day.';
}

/** A wall-clock date and time as one comparable number (the schedule carries no zone). */
const instant = (d: GoogleDate, t: TimeOfDay) =>
  Date.UTC(d.year, d.month - 1, d.day, t.hours ?? 0, t.minutes ?? 0, t.seconds ?? 0);

function isWebUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Fetches the photo as Google's fetcher would, with its photo guidelines applied. */
async function fetchPhoto(
  ctx: SandboxContext,
  url: string,
): Promise<{ contentType: string; bytes: Buffer } | { problem: ErrorDetail }> {
  const field = 'media[0].source_url';
  const fetched = await fetchRemoteMedia(url, PHOTO_SPEC, ctx.closing, ctx.mediaFetchTimeoutMs);
  if (!fetched.ok) {
    switch (fetched.problem) {
      case 'unreachable':
      case 'status':
        // ◐ Google's words when it cannot get the file.
        return {
          problem: {
            code: ERROR_CODE.PHOTO_FETCH_FAILED,
            field,
            message: 'Fetching image failed.',
          },
        };
      case 'type':
      case 'signature':
        return {
          problem: {
            code: ERROR_CODE.PHOTO_UPLOAD_FAILED,
            field,
            message: `Unsupported photo format (${fetched.detail}): use JPEG or PNG.`,
          },
        };
      case 'too_large':
        return {
          problem: {
            code: ERROR_CODE.VALUE_OUTSIDE_ALLOWED_RANGE,
            field,
            message: 'The photo is larger than 5 MB.',
          },
        };
    }
  }
  if (fetched.bytes.length < PHOTO_MIN_BYTES) {
    return {
      problem: {
        code: ERROR_CODE.VALUE_OUTSIDE_ALLOWED_RANGE,
        field,
        message: `The photo is ${fetched.bytes.length} bytes; photos must be at least 10 KB.`,
      },
    };
  }
  const size =
    fetched.contentType === 'image/png' ? pngSize(fetched.bytes) : jpegSize(fetched.bytes);
  if (!size) {
    return {
      problem: {
        code: ERROR_CODE.PHOTO_UPLOAD_FAILED,
        field,
        message: 'The photo could not be read.',
      },
    };
  }
  if (size.width < PHOTO_MIN_SIDE || size.height < PHOTO_MIN_SIDE) {
    return {
      problem: {
        code: ERROR_CODE.VALUE_OUTSIDE_ALLOWED_RANGE,
        field,
        message: `The photo is ${size.width}x${size.height} pixels; photos must be at least 250x250.`,
      },
    };
  }
  return { contentType: fetched.contentType, bytes: fetched.bytes };
}

/** A PNG's pixel size from its IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || bytes.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** A read of a post: one poll of its review, which ends in LIVE or REJECTED. */
function observe(stored: StoredPost): LocalPost {
  if (stored.post.state === 'PROCESSING') {
    if (stored.pollsLeft > 0) stored.pollsLeft -= 1;
    else {
      stored.post.state = stored.verdict;
      stored.post.updateTime = new Date().toISOString();
    }
  }
  return stored.post;
}

export async function listLocalPosts(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
  accountId: string,
  locationId: string,
): Promise<void> {
  const fault = ctx.store.takeFault('google_business', 'read', locationKey(accountId, locationId));
  const act = (): Reply => {
    const caller = admit(req, ctx);
    if (isGoogleError(caller)) return reply(caller);
    const place = authorizeLocation(caller.userId, accountId, locationId);
    if (isGoogleError(place)) return reply(place);
    const q = url.searchParams;
    const requested = q.has('pageSize') ? Number(q.get('pageSize')) : PAGE_DEFAULT;
    if (!Number.isInteger(requested) || requested < 0) {
      return reply(
        googleErrors.badPayload(
          `Invalid value at 'page_size' (TYPE_INT32), "${q.get('pageSize')}"`,
          'page_size',
        ),
      );
    }
    const pageSize = Math.min(requested || PAGE_DEFAULT, PAGE_MAX);
    const token = q.get('pageToken');
    const start = token ? decodePageToken(token) : 0;
    if (start === null) {
      return reply({ code: 400, message: 'Request contains an invalid argument.' });
    }
    const all = [...gbpState(ctx.store).posts.values()]
      .filter((p) => p.location === place.location)
      .reverse();
    const page = all.slice(start, start + pageSize);
    const end = start + page.length;
    return json(200, {
      ...(page.length > 0 ? { localPosts: page.map(observe) } : {}),
      ...(end < all.length ? { nextPageToken: encodePageToken(end) } : {}),
    });
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

export async function getLocalPost(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
  accountId: string,
  locationId: string,
  postId: string,
): Promise<void> {
  const fault = ctx.store.takeFault('google_business', 'read', locationKey(accountId, locationId));
  const act = (): Reply => {
    const caller = admit(req, ctx);
    if (isGoogleError(caller)) return reply(caller);
    const place = authorizeLocation(caller.userId, accountId, locationId);
    if (isGoogleError(place)) return reply(place);
    const stored = gbpState(ctx.store).posts.get(`${place.location}/localPosts/${postId}`);
    if (!stored) return reply(googleErrors.notFound());
    return json(200, observe(stored));
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

const encodePageToken = (index: number) => Buffer.from(`lp:${index}`).toString('base64url');
function decodePageToken(token: string): number | null {
  const match = /^lp:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  return match ? Number(match[1]) : null;
}

/** The post's page (its searchUrl in the sandbox). */
export function postPage(ctx: SandboxContext, encodedName: string): Reply {
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    name = encodedName;
  }
  const stored = gbpState(ctx.store).posts.get(name);
  if (!stored) {
    return html(
      404,
      layout('Post not found', '<h1>Post not found</h1><p><a href="/">All posts</a></p>'),
    );
  }
  const { post } = stored;
  const e = (s: string) => escapeHtml(s);
  const when = (d?: GoogleDate, t?: TimeOfDay) =>
    d
      ? `${d.year}-${pad(d.month)}-${pad(d.day)}${t ? ` ${pad(t.hours ?? 0)}:${pad(t.minutes ?? 0)}` : ''}`
      : '';
  const event = post.event
    ? `<p><strong>${e(post.event.title ?? '')}</strong><br><span class="muted">${e(when(post.event.schedule?.startDate, post.event.schedule?.startTime))} – ${e(when(post.event.schedule?.endDate, post.event.schedule?.endTime))} (the location's local time)</span></p>\n`
    : '';
  const offer = post.offer
    ? `<p class="muted">${post.offer.couponCode ? `Code ${e(post.offer.couponCode)}. ` : ''}${post.offer.redeemOnlineUrl ? `Redeem at ${e(post.offer.redeemOnlineUrl)}. ` : ''}${e(post.offer.termsConditions ?? '')}</p>\n`
    : '';
  const cta = post.callToAction
    ? `<p>Button: ${e(post.callToAction.actionType)}${post.callToAction.url ? ` → ${e(post.callToAction.url)}` : ''}</p>\n`
    : '';
  const photo = stored.mediaId
    ? `<div class="media"><img src="${e(mediaPath({ platform: 'google_business' }, stored.mediaId))}" alt="Photo"></div>\n`
    : '';
  return html(
    200,
    layout(
      `Google Business post ${post.name}`,
      `<p><a href="/">All posts</a></p>
<h1>${e(post.topicType)} post · ${e(stored.location)}</h1>
<p class="muted">${e(post.name)} · <time datetime="${e(post.createTime)}">${e(post.createTime)}</time> · state ${e(post.state)}</p>
${event}<div class="message">${e(post.summary ?? '')}</div>
${offer}${cta}${photo}`,
    ),
  );
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The photos Google kept, as its googleUrl serves them. */
export function servePhoto(res: ServerResponse, ctx: SandboxContext, id: string): void {
  const media = ctx.store.findMedia('google_business', id);
  const bytes = ctx.store.mediaBytes('google_business', id);
  if (!media || !bytes) return send(res, text(404, 'Not found'));
  res.writeHead(200, { 'content-type': media.contentType, 'content-length': bytes.length });
  res.end(bytes);
}
