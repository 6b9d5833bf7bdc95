// How a caption reads in a platform's feed before "see more": where the feed folds the text,
// and the text cut into plain runs and hashtags (highlighted in the preview). The folds are
// what the platforms' feeds show today, give or take a word; they only shape the preview.
import type { Platform } from '@herald/core/domain';

/** Characters a feed shows before "… see more" (null: the whole text shows). */
export const PREVIEW_FOLD: Record<Platform, number | null> = {
  facebook: 477,
  instagram: 125,
  x: null,
  linkedin: 210,
  tiktok: 100,
  youtube: 157,
  google_business: 1_500,
};

export interface FoldedText {
  shown: string;
  /** Whether the feed cuts the text here, with "see more". */
  folded: boolean;
}

/** The text up to the platform's fold, at a word boundary when one is near. */
export function foldCaption(platform: Platform, caption: string): FoldedText {
  const fold = PREVIEW_FOLD[platform];
  const chars = [...caption];
  if (fold === null || chars.length <= fold) return { shown: caption, folded: false };
  const cut = chars.slice(0, fold).join('');
  const space = cut.search(/\s\S*$/);
  return { shown: (space > fold * 0.8 ? cut.slice(0, space) : cut).trimEnd(), folded: true };
}

export type TextRun = { kind: 'text' | 'hashtag'; text: string };

/** The text as plain runs and hashtags (#word, letters and digits of any script). */
export function hashtagRuns(text: string): TextRun[] {
  const runs: TextRun[] = [];
  let last = 0;
  for (const match of text.matchAll(/(?<![\p{L}\p{N}_&])#[\p{L}\p{N}_]+/gu)) {
    if (match.index > last) runs.push({ kind: 'text', text: text.slice(last, match.index) });
    runs.push({ kind: 'hashtag', text: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) runs.push({ kind: 'text', text: text.slice(last) });
  return runs;
}
