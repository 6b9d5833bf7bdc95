// How X counts and shows a post's text, for the sandbox's own checks (the sandbox imports no
// workspace package, so this is its own implementation of the published rule, twitter-text
// config v3 as described on developer.x.com "Counting characters"): the text is NFC-normalised;
// code points in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and U+2032–U+2037 weigh 1, all
// others 2; an emoji (one grapheme with a pictographic or regional-indicator code point) weighs
// 2 whatever its length; every http(s) URL weighs 23, the length of the t.co link replacing it.
// Approximation: URLs are found by scheme only (twitter-text also finds bare domains).

/** X's limit, in weighted characters. */
export const MAX_WEIGHTED_LENGTH = 280;
const URL_WEIGHT = 23;
const URL_PATTERN = /https?:\/\/\S+/gu;
const LIGHT: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x10ff],
  [0x2000, 0x200d],
  [0x2010, 0x201f],
  [0x2032, 0x2037],
];
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

const weightOf = (codePoint: number) =>
  LIGHT.some(([from, to]) => codePoint >= from && codePoint <= to) ? 1 : 2;

/** The text's length as X counts it against its 280 limit. */
export function weightedLength(text: string): number {
  const normalized = text.normalize('NFC');
  let total = (normalized.match(URL_PATTERN) ?? []).length * URL_WEIGHT;
  for (const piece of normalized.split(URL_PATTERN)) {
    for (const { segment } of segmenter.segment(piece)) {
      if (PICTOGRAPH.test(segment)) {
        total += 2;
        continue;
      }
      for (const char of segment) total += weightOf(char.codePointAt(0)!);
    }
  }
  return total;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * The text as the v2 API returns it: `&`, `<` and `>` escaped, each URL replaced by a t.co link,
 * and a t.co link to the media appended when the post has any.
 */
export function renderedText(text: string, hasMedia: boolean, tco: () => string): string {
  const shown = text.replace(/[&<>]/g, (c) => ESCAPES[c]!).replace(URL_PATTERN, () => tco());
  return hasMedia ? `${shown}${shown ? ' ' : ''}${tco()}` : shown;
}
