// What a Herald post becomes on YouTube: the video resource's snippet and status (videos
// resource, developers.google.com/youtube/v3/docs/videos). The rules, from YouTube's docs:
//   title        ≤ 100 characters, not empty, no `<` or `>`
//   description  ≤ 5,000 bytes of UTF-8, no `<` or `>`
//   tags         ≤ 500 characters in all (commas count; a tag with a space counts its quotes)
// Herald's choices (docs/decisions/0029): the title is the setting, else the caption's first
// line without `<`/`>` cut to 100 characters (else the file's name); the description is the
// caption with `<`/`>` shown as `‹`/`›`; a Short gets `#Shorts` at the end of its description
// (or title) unless it already carries it — YouTube decides what is a Short from the video
// itself (vertical or square, short), and its help suggests the hashtag to help it along.
import {
  parseTargetSettings,
  YOUTUBE_TAGS_MAX_CHARS,
  YOUTUBE_TITLE_MAX,
  youtubeTagsLength,
  type YouTubeSettings,
} from '../../domain/target-settings.ts';
import type { PublishContent, PublishMedia } from '../types.ts';

export const YOUTUBE_DESCRIPTION_MAX_BYTES = 5_000;
export const SHORTS_HASHTAG = '#Shorts';
/** People & Blogs: YouTube's own default for uploads. */
export const DEFAULT_CATEGORY_ID = '22';

export interface VideoPlan {
  /** Null when reconciling a post whose title came from its file (media are not handed over). */
  title: string | null;
  description: string;
  tags: string[];
  categoryId: string;
  privacyStatus: 'public' | 'unlisted' | 'private';
  selfDeclaredMadeForKids: boolean;
  short: boolean;
  /** The video to upload; null when reconciling. */
  video: PublishMedia | null;
}

export type VideoPlanResult = { ok: true; plan: VideoPlan } | { ok: false; problem: string };

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** At most `max` code points (YouTube's "characters"), never splitting what a reader sees as one. */
export function cutToCharacters(text: string, max: number): string {
  let out = '';
  let length = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = [...segment].length;
    if (length + size > max) break;
    out += segment;
    length += size;
  }
  return out;
}

const characters = (text: string) => [...text].length;
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** The caption's first line with text, without `<`/`>`, whitespace folded, cut to 100. */
export function titleFromCaption(caption: string): string {
  const line = caption
    .split(/\r?\n/)
    .map((l) => l.replace(/[<>]/g, '').replace(/\s+/g, ' ').trim())
    .find((l) => l !== '');
  return cutToCharacters(line ?? '', YOUTUBE_TITLE_MAX).trim();
}

/** The caption as a description: YouTube refuses `<` and `>`, so they become `‹` and `›`. */
export function descriptionFromCaption(caption: string): string {
  return caption.replace(/</g, '‹').replace(/>/g, '›');
}

const HAS_SHORTS = /#shorts\b/i;

/**
 * What Herald sends for this post, or the sentence saying why YouTube would refuse it. Checked
 * before any call: the caption's byte length and the tags are the person's to fix.
 */
export function planVideo(content: PublishContent): VideoPlanResult {
  const parsed = parseTargetSettings('youtube', content.settings ?? {});
  if (!parsed.ok) return { ok: false, problem: parsed.problem };
  const settings: YouTubeSettings = parsed.settings;
  const videos = content.media.filter((m) => m.kind === 'video');
  const reconciling = content.media.length === 0;
  if (!reconciling && (videos.length !== 1 || content.media.length !== 1)) {
    return {
      ok: false,
      problem: `A YouTube post is one video; this one has ${videos.length} video${videos.length === 1 ? '' : 's'} and ${content.media.length - videos.length} other file${content.media.length - videos.length === 1 ? '' : 's'}.`,
    };
  }
  const video = videos[0] ?? null;
  let title: string | null = settings.title ?? titleFromCaption(content.caption);
  if (title !== null && /[<>]/.test(title)) {
    return { ok: false, problem: 'YouTube titles may not contain < or >: change the title.' };
  }
  if (title === '') {
    const fromFile = video ? titleFromCaption(video.name.replace(/\.[A-Za-z0-9]{1,5}$/, '')) : '';
    title = fromFile !== '' ? fromFile : null;
    if (title === null && !reconciling) {
      return {
        ok: false,
        problem:
          'A YouTube video needs a title: write a caption or set a title in the YouTube settings.',
      };
    }
  }
  let description = descriptionFromCaption(content.caption);
  const short = settings.postType === 'short';
  if (short && !HAS_SHORTS.test(`${title ?? ''}\n${description}`)) {
    const withTag =
      description.trim() === '' ? SHORTS_HASHTAG : `${description}\n\n${SHORTS_HASHTAG}`;
    if (bytes(withTag) <= YOUTUBE_DESCRIPTION_MAX_BYTES) description = withTag;
    else if (title !== null && characters(`${title} ${SHORTS_HASHTAG}`) <= YOUTUBE_TITLE_MAX) {
      title = `${title} ${SHORTS_HASHTAG}`;
    }
  }
  const size = bytes(description);
  if (size > YOUTUBE_DESCRIPTION_MAX_BYTES) {
    return {
      ok: false,
      problem: `The caption is ${size.toLocaleString('en-US')} bytes as UTF-8; a YouTube description takes ${YOUTUBE_DESCRIPTION_MAX_BYTES.toLocaleString('en-US')} (emoji and accented letters take 2 to 4 bytes each). Shorten the caption.`,
    };
  }
  const tags = settings.tags ?? [];
  if (youtubeTagsLength(tags) > YOUTUBE_TAGS_MAX_CHARS) {
    return {
      ok: false,
      problem: `The YouTube tags come to ${youtubeTagsLength(tags)} characters; YouTube allows ${YOUTUBE_TAGS_MAX_CHARS}. Remove some tags.`,
    };
  }
  return {
    ok: true,
    plan: {
      title,
      description,
      tags,
      categoryId: settings.categoryId ?? DEFAULT_CATEGORY_ID,
      privacyStatus: settings.privacy ?? 'public',
      selfDeclaredMadeForKids: settings.madeForKids ?? false,
      short,
      video,
    },
  };
}

/** The JSON video resource sent when the upload session starts. */
export function videoResource(plan: VideoPlan & { title: string }) {
  return {
    snippet: {
      title: plan.title,
      description: plan.description,
      ...(plan.tags.length ? { tags: plan.tags } : {}),
      categoryId: plan.categoryId,
    },
    status: {
      privacyStatus: plan.privacyStatus,
      selfDeclaredMadeForKids: plan.selfDeclaredMadeForKids,
    },
  };
}
