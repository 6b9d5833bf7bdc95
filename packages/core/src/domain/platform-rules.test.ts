import { describe, expect, it } from 'vitest';
import { captionProblems } from './platform-rules.ts';

describe('captionProblems', () => {
  it('accepts a caption within the limit', () => {
    expect(captionProblems('facebook', 'Fresh roast today ☕')).toEqual([]);
  });

  it('rejects an empty caption and one over the limit, counting characters not bytes', () => {
    expect(captionProblems('facebook', '   ')).toEqual(['The caption is empty.']);
    expect(captionProblems('google_business', '☕'.repeat(1_500))).toEqual([]);
    expect(captionProblems('google_business', '☕'.repeat(1_501))).toEqual([
      'The caption is 1501 characters; google_business allows 1500.',
    ]);
  });
});
