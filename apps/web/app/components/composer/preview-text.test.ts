import { describe, expect, it } from 'vitest';
import { foldCaption, hashtagRuns } from './preview-text.ts';

describe('foldCaption', () => {
  it('shows a short caption whole, and X never folds', () => {
    expect(foldCaption('instagram', 'Short')).toEqual({ shown: 'Short', folded: false });
    expect(foldCaption('x', 'a '.repeat(200)).folded).toBe(false);
  });
  it('cuts at the fold, at a word boundary near it', () => {
    const caption = `${'word '.repeat(30)}end`;
    const folded = foldCaption('instagram', caption);
    expect(folded.folded).toBe(true);
    expect(folded.shown.length).toBeLessThanOrEqual(125);
    expect(folded.shown.endsWith('word')).toBe(true);
  });
});

describe('hashtagRuns', () => {
  it('finds hashtags in any script, not in the middle of a word or an entity', () => {
    expect(hashtagRuns('Fresh #kaffe and #børs, a&#39; x#no')).toEqual([
      { kind: 'text', text: 'Fresh ' },
      { kind: 'hashtag', text: '#kaffe' },
      { kind: 'text', text: ' and ' },
      { kind: 'hashtag', text: '#børs' },
      { kind: 'text', text: ', a&#39; x#no' },
    ]);
  });
});
