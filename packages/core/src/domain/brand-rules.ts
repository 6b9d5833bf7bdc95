// A client's brand profile and what it asks of a caption: topics never to mention, a call to
// action every post carries, hashtags added by default. Matching is forgiving the way a
// reader is: case and accents do not matter ("Café" is "cafe"), whole words only ("ai" is not
// in "said").
import { captionLimitProblem, hashtagsIn, PLATFORM_RULES } from './platform-rules.ts';
import type { Platform } from './platforms.ts';

export interface BrandProfile {
  /** How the brand speaks, for people and AI writing its captions. */
  voice: string;
  /** Words or phrases a caption must not mention. */
  bannedTopics: string[];
  /** Text every caption must carry; empty for none. */
  callToAction: string;
  /** Hashtags (without `#`) added to captions unless already there. */
  defaultHashtags: string[];
}

export const EMPTY_BRAND_PROFILE: BrandProfile = {
  voice: '',
  bannedTopics: [],
  callToAction: '',
  defaultHashtags: [],
};

export const BRAND_LIMITS = {
  voice: 2_000,
  topics: 50,
  topicLength: 100,
  callToAction: 300,
  hashtags: 30,
  hashtagLength: 100,
} as const;

/** Lower case, accents off, any run of spaces one space: how captions and rules are compared. */
export function foldForMatching(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase('en-US')
    .replace(/\s+/gu, ' ')
    .trim();
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when `phrase` occurs in `text` as whole words (both already folded). */
function mentions(foldedText: string, foldedPhrase: string): boolean {
  if (foldedPhrase.length === 0) return false;
  const pattern = escapeRegExp(foldedPhrase).replace(/ /g, '\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${pattern}(?![\\p{L}\\p{N}_])`, 'u').test(foldedText);
}

/** A stored profile as data, whatever an older row or a careless writer left in it. */
export function readBrandProfile(value: unknown): BrandProfile {
  const record = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const list = (v: unknown) =>
    Array.isArray(v) ? v.filter((item): item is string => typeof item === 'string') : [];
  return {
    voice: text(record.voice),
    bannedTopics: list(record.bannedTopics),
    callToAction: text(record.callToAction),
    defaultHashtags: list(record.defaultHashtags),
  };
}

// Letters, marks, digits and underscores, with at least one that is not a digit: what
// platforms link as a hashtag (platform-rules.ts hashtagsIn).
const HASHTAG_BODY = /^[\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*$/u;

/** Trimmed, without empty or repeated entries (repeats compared as matching compares them). */
function cleanList(items: string[], strip: (s: string) => string = (s) => s): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const item of items) {
    const cleaned = strip(item.trim());
    const key = foldForMatching(cleaned);
    if (key.length === 0 || seen.has(key)) continue;
    seen.add(key);
    result.push(cleaned);
  }
  return result;
}

/**
 * The profile to store for what a person typed (trimmed, repeats dropped, hashtags without
 * their `#`), or the sentences saying what to fix.
 */
export function checkBrandProfile(
  input: BrandProfile,
): { ok: true; profile: BrandProfile } | { ok: false; problems: string[] } {
  const profile: BrandProfile = {
    voice: input.voice.trim(),
    bannedTopics: cleanList(input.bannedTopics),
    callToAction: input.callToAction.trim().replace(/\s+/gu, ' '),
    defaultHashtags: cleanList(input.defaultHashtags, (tag) => tag.replace(/^#+/u, '')),
  };
  const problems: string[] = [];
  const L = BRAND_LIMITS;
  if (profile.voice.length > L.voice)
    problems.push(
      `The voice and tone is ${profile.voice.length} characters; keep it to ${L.voice}.`,
    );
  if (profile.bannedTopics.length > L.topics)
    problems.push(
      `There are ${profile.bannedTopics.length} banned topics; keep it to ${L.topics}.`,
    );
  for (const topic of profile.bannedTopics) {
    if (topic.length > L.topicLength)
      problems.push(
        `The banned topic “${topic.slice(0, 30)}…” is too long; keep each to ${L.topicLength} characters.`,
      );
  }
  if (profile.callToAction.length > L.callToAction)
    problems.push(
      `The call to action is ${profile.callToAction.length} characters; keep it to ${L.callToAction}.`,
    );
  if (profile.defaultHashtags.length > L.hashtags)
    problems.push(
      `There are ${profile.defaultHashtags.length} default hashtags; keep it to ${L.hashtags}.`,
    );
  for (const tag of profile.defaultHashtags) {
    if (!HASHTAG_BODY.test(tag) || tag.length > L.hashtagLength)
      problems.push(
        `“#${tag}” is not a hashtag the platforms would link: use letters, digits and underscores, no spaces or punctuation.`,
      );
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, profile };
}

/**
 * What a caption does against the brand profile, as sentences a person can act on; empty when
 * it keeps to it.
 */
export function brandProblems(profile: BrandProfile, caption: string): string[] {
  const folded = foldForMatching(caption);
  const problems: string[] = [];
  for (const topic of profile.bannedTopics) {
    if (mentions(folded, foldForMatching(topic)))
      problems.push(`The caption mentions a banned topic: “${topic}”.`);
  }
  // A call to action ending in punctuation ("Book now!") counts when written without it.
  const cta = foldForMatching(profile.callToAction).replace(/[\s.!?…]+$/u, '');
  if (cta.length > 0 && !mentions(folded, cta))
    problems.push(`The caption is missing the required call to action: “${profile.callToAction}”.`);
  return problems;
}

/**
 * The caption with the profile's default hashtags it lacks added at its end, as far as the
 * platform allows: never past its hashtag limit or its caption length (on X, the thread's
 * last post's). Hashtags already in the caption, in any case or accents, are not repeated.
 */
export function withDefaultHashtags(
  caption: string,
  profile: BrandProfile,
  platform: Platform,
): string {
  const present = new Set(hashtagsIn(caption).map((tag) => foldForMatching(tag.slice(1))));
  const maxHashtags = PLATFORM_RULES[platform].maxHashtags ?? Number.POSITIVE_INFINITY;
  let count = hashtagsIn(caption).length;
  let result = caption;
  const base = caption.trimEnd();
  let added = 0;
  for (const tag of profile.defaultHashtags) {
    const key = foldForMatching(tag);
    if (key.length === 0 || present.has(key) || count >= maxHashtags) continue;
    const separator = added > 0 || endsWithHashtagLine(base) ? ' ' : base.length > 0 ? '\n\n' : '';
    const candidate = (added > 0 ? result : base) + separator + `#${tag}`;
    if (captionLimitProblem(platform, candidate) !== null) continue;
    result = candidate;
    present.add(key);
    count += 1;
    added += 1;
  }
  return result;
}

/** True when the caption's last line holds hashtags only, so more belong on it. */
function endsWithHashtagLine(caption: string): boolean {
  const lastLine = caption.split('\n').at(-1) ?? '';
  const tags = hashtagsIn(lastLine);
  return tags.length > 0 && lastLine.trim() === tags.join(' ');
}
