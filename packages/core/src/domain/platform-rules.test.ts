import { describe, expect, it } from 'vitest';
import {
  captionLength,
  captionLimitProblem,
  captionProblems,
  hashtagCount,
  threadParts,
} from './platform-rules.ts';

const FAMILY = '👨‍👩‍👧‍👦'; // man, woman, girl, boy joined by zero-width joiners: 7 code points

describe('captionProblems', () => {
  it('accepts a caption within the limit', () => {
    expect(captionProblems('facebook', 'Fresh roast today ☕')).toEqual([]);
  });

  it('rejects an empty caption and one over the limit, counting characters not bytes', () => {
    expect(captionProblems('facebook', '   ')).toEqual(['The caption is empty.']);
    expect(captionProblems('google_business', '☕'.repeat(1_500))).toEqual([]);
    expect(captionProblems('google_business', '☕'.repeat(1_501))).toEqual([
      'The caption is 1,501 characters; Google Business Profile allows 1,500 characters.',
    ]);
  });

  it('names the platform by its label and formats the numbers', () => {
    expect(captionLimitProblem('facebook', 'a'.repeat(63_207))).toBe(
      'The caption is 63,207 characters; Facebook allows 63,206 characters.',
    );
    expect(captionLimitProblem('facebook', 'a'.repeat(63_206))).toBeNull();
  });
});

describe('captionLength', () => {
  it('counts a family emoji as one character where the platform counts what a reader sees', () => {
    expect(captionLength('facebook', FAMILY)).toBe(1);
    expect(captionLength('instagram', `Hi ${FAMILY}🇳🇴`)).toBe(5);
    // 2,200 families fit Instagram's 2,200 characters; 2,201 do not.
    expect(captionLimitProblem('instagram', FAMILY.repeat(2_200))).toBeNull();
    expect(captionLimitProblem('instagram', FAMILY.repeat(2_201))).toBe(
      'The caption is 2,201 characters; Instagram allows 2,200 characters.',
    );
  });

  it("counts X's weighted characters: emoji sequences and CJK weigh 2, URLs 23", () => {
    expect(captionLength('x', 'hello')).toBe(5);
    expect(captionLength('x', FAMILY)).toBe(2);
    expect(captionLength('x', '👍🏽')).toBe(2);
    expect(captionLength('x', '日本')).toBe(4);
    expect(captionLength('x', '“quoted” – café')).toBe(15);
    expect(captionLength('x', 'see https://example.com/a/very/long/path?with=query ok')).toBe(
      4 + 23 + 3,
    );
    // NFC first: e + combining acute is one é.
    expect(captionLength('x', 'e\u0301')).toBe(1);
    expect(captionLimitProblem('x', FAMILY.repeat(140))).toBeNull();
    expect(captionLimitProblem('x', FAMILY.repeat(141))).toBe(
      'The caption is 282 characters; X allows 280 characters.',
    );
  });
});

describe('captionLength over long text', () => {
  it('counts the same as one pass of Intl.Segmenter, across its internal windows', () => {
    const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
    const oneByOne = (text: string) => [...segmenter.segment(text)].length;
    // Clusters that straddle every window edge: family emoji, flags, combining marks, CRLF.
    const mixed = `ab${FAMILY}🇳🇴🇸🇪e\u0301\r\n日本 `.repeat(700);
    expect(captionLength('facebook', mixed)).toBe(oneByOne(mixed));
    const zalgo = `a${'\u0301'.repeat(5_000)}b`;
    expect(captionLength('facebook', zalgo)).toBe(2);
  });
});

describe('X threads', () => {
  it('counts each post of a thread against the limit, and refuses an empty one', () => {
    const post = 'a'.repeat(280);
    expect(captionProblems('x', `${post}\n---\n${post}`)).toEqual([]);
    expect(captionProblems('x', `${post}\n---\n${post}b`)).toEqual([
      'Post 2 of the thread is 281 characters; X allows 280 characters.',
    ]);
    expect(captionProblems('x', `First\n---\n   \n---\nThird`)).toEqual([
      'A post of the thread is empty: remove the extra `---` line.',
    ]);
    // Elsewhere the line is text like any other.
    expect(threadParts(`a\n---\nb`, 'facebook')).toEqual(['a\n---\nb']);
  });
});

describe('hashtags', () => {
  it('counts hashtags in any script, not numbers, fragments or mid-word #', () => {
    expect(hashtagCount('#one #Två #三 #_x')).toBe(4);
    expect(hashtagCount('#1 is a number, a#b is not a tag, https://x.example/#top neither')).toBe(
      0,
    );
    expect(hashtagCount('(#inparens) end.#after')).toBe(2);
  });

  it("refuses Instagram's 31st hashtag with the count, and lets other platforms be", () => {
    const caption = Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' ');
    expect(captionProblems('instagram', caption)).toEqual([
      'The caption has 31 hashtags; Instagram allows 30.',
    ]);
    expect(captionProblems('instagram', caption.replace(' #tag30', ''))).toEqual([]);
    expect(captionProblems('facebook', caption)).toEqual([]);
  });
});
