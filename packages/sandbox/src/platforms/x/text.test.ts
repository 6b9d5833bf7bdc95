import { describe, expect, it } from 'vitest';
import { renderedText, weightedLength } from './text.ts';

describe('weightedLength (X counting)', () => {
  it('counts Latin text one per character', () => {
    expect(weightedLength('Hello, world')).toBe(12);
  });
  it('counts CJK characters two each', () => {
    expect(weightedLength('日本語')).toBe(6);
  });
  it('counts an emoji sequence as two, however many code points', () => {
    expect(weightedLength('👨‍👩‍👧‍👦')).toBe(2);
    expect(weightedLength('🇳🇴')).toBe(2);
  });
  it('counts every URL as 23', () => {
    expect(weightedLength('see https://example.com/a/very/long/path/indeed?x=1')).toBe(4 + 23);
  });
  it('normalises to NFC first (e + combining acute is one character)', () => {
    expect(weightedLength('e\u0301')).toBe(1);
  });
  it('puts 280 Latin characters at the limit and 141 CJK over it', () => {
    expect(weightedLength('a'.repeat(280))).toBe(280);
    expect(weightedLength('語'.repeat(141))).toBe(282);
  });
});

describe('renderedText', () => {
  it('escapes, shortens links and appends a media link as the v2 API shows text', () => {
    let n = 0;
    const tco = () => `https://t.co/${++n}`;
    expect(renderedText('a & b https://example.com', true, tco)).toBe(
      'a &amp; b https://t.co/1 https://t.co/2',
    );
    expect(renderedText('', true, tco)).toBe('https://t.co/3');
  });
});
