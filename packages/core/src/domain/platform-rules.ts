// What each platform accepts, as data. Checked when a post is scheduled so a person hears
// about a too-long caption now, not at publish time.
import { PLATFORM_LABELS, type Platform } from './platforms.ts';

/**
 * How a platform measures a caption against its limit.
 * - `graphemes`: characters as a reader sees them (Unicode grapheme clusters), so a family
 *   emoji 👨‍👩‍👧‍👦 (seven code points) or a flag counts as one.
 * - `x-weighted`: X's published rule (twitter-text config v3, developer.x.com "Counting
 *   characters"): text is NFC-normalised; code points U+0000–U+10FF, U+2000–U+200D,
 *   U+2010–U+201F and U+2032–U+2037 weigh 1, all others 2; an emoji sequence weighs 2 however
 *   many code points it has; every URL weighs 23 (the t.co link that replaces it).
 */
export type CaptionCounting = 'graphemes' | 'x-weighted';

export interface PlatformRules {
  /** Maximum caption length, in the units `counting` gives. */
  maxCaptionLength: number;
  counting: CaptionCounting;
  /** The most hashtags a caption may carry, where the platform refuses more (Instagram: 30). */
  maxHashtags?: number;
}

// Only X documents its counting rule. The others publish a limit in "characters" without
// saying what one is; their composers count what a reader sees, so we count graphemes.
export const PLATFORM_RULES: Record<Platform, PlatformRules> = {
  facebook: { maxCaptionLength: 63_206, counting: 'graphemes' },
  instagram: { maxCaptionLength: 2_200, counting: 'graphemes', maxHashtags: 30 },
  x: { maxCaptionLength: 280, counting: 'x-weighted' },
  linkedin: { maxCaptionLength: 3_000, counting: 'graphemes' },
  tiktok: { maxCaptionLength: 2_200, counting: 'graphemes' },
  youtube: { maxCaptionLength: 5_000, counting: 'graphemes' },
  google_business: { maxCaptionLength: 1_500, counting: 'graphemes' },
};

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

const WINDOW = 2_048;

/**
 * Grapheme clusters in `text`. Segmenting a long string at once is slower than linear in V8,
 * so it goes a window at a time: every boundary inside a window but its last is final.
 */
function graphemeCount(text: string): number {
  let count = 0;
  let start = 0;
  let window = WINDOW;
  while (start < text.length) {
    let end = start + window;
    // Never cut a surrogate pair: half a character would make a false boundary before it.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end += 1;
    const slice = text.slice(start, end);
    if (end >= text.length) {
      for (const _ of graphemes.segment(slice)) count += 1;
      break;
    }
    let last = 0;
    let inWindow = 0;
    for (const { index } of graphemes.segment(slice)) {
      last = index;
      inWindow += 1;
    }
    if (last === 0) {
      window *= 2; // one cluster longer than the window: look further
      continue;
    }
    count += inWindow - 1;
    start += last;
    window = WINDOW;
  }
  return count;
}

const X_URL = /https?:\/\/[^\s]+/giu;
const X_URL_WEIGHT = 23;
const X_LIGHT_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x10ff],
  [0x2000, 0x200d],
  [0x2010, 0x201f],
  [0x2032, 0x2037],
];
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

function xWeightedLength(text: string): number {
  const normalized = text.normalize('NFC');
  const urls = normalized.match(X_URL)?.length ?? 0;
  let length = urls * X_URL_WEIGHT;
  for (const part of normalized.split(X_URL)) {
    for (const { segment } of graphemes.segment(part)) {
      if (EMOJI.test(segment)) {
        length += 2;
        continue;
      }
      for (const char of segment) {
        const code = char.codePointAt(0)!;
        length += X_LIGHT_RANGES.some(([lo, hi]) => code >= lo && code <= hi) ? 1 : 2;
      }
    }
  }
  return length;
}

/** A caption's length as `platform` counts it against its limit. */
export function captionLength(platform: Platform, caption: string): number {
  return PLATFORM_RULES[platform].counting === 'x-weighted'
    ? xWeightedLength(caption)
    : graphemeCount(caption);
}

const number = (n: number) => n.toLocaleString('en-US');

/** The line that splits an X caption into a thread's posts. */
const THREAD_SEPARATOR = /\r?\n---\r?\n/;

/**
 * The posts a caption becomes: on X, one per part between lines holding only `---` (a thread,
 * each part a reply to the one before); one elsewhere.
 */
export function threadParts(caption: string, platform: Platform = 'x'): string[] {
  return platform === 'x' ? caption.split(THREAD_SEPARATOR) : [caption];
}

/** The sentence saying a caption is too long for `platform`, or null when it fits. */
export function captionLimitProblem(platform: Platform, caption: string): string | null {
  const limit = PLATFORM_RULES[platform].maxCaptionLength;
  const parts = threadParts(caption, platform);
  for (const [index, part] of parts.entries()) {
    const length = captionLength(platform, part);
    if (length <= limit) continue;
    const which = parts.length > 1 ? `Post ${index + 1} of the thread` : 'The caption';
    return `${which} is ${number(length)} characters; ${PLATFORM_LABELS[platform]} allows ${number(limit)} characters.`;
  }
  return null;
}

/** Problems with a caption for a platform, as sentences; empty when it is fine. */
export function captionProblems(platform: Platform, caption: string): string[] {
  const problems: string[] = [];
  if (caption.trim().length === 0) problems.push('The caption is empty.');
  else if (threadParts(caption, platform).some((part) => part.trim().length === 0)) {
    problems.push('A post of the thread is empty: remove the extra `---` line.');
  }
  const tooLong = captionLimitProblem(platform, caption);
  if (tooLong) problems.push(tooLong);
  const maxHashtags = PLATFORM_RULES[platform].maxHashtags;
  const hashtags = hashtagCount(caption);
  if (maxHashtags !== undefined && hashtags > maxHashtags) {
    problems.push(
      `The caption has ${number(hashtags)} hashtags; ${PLATFORM_LABELS[platform]} allows ${number(maxHashtags)}.`,
    );
  }
  return problems;
}

/**
 * Hashtags as the platforms find them: `#` after a start, a space or punctuation, followed by
 * letters, digits or underscores in any script (not a `#` inside a word or a URL's fragment).
 */
export function hashtagCount(caption: string): number {
  return hashtagsIn(caption).length;
}

/** The hashtags of a caption as written, `#` included, in order (see hashtagCount). */
export function hashtagsIn(caption: string): string[] {
  return (
    caption.match(/(?<![\p{L}\p{N}_&/#])#[\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*/gu) ??
    []
  );
}
