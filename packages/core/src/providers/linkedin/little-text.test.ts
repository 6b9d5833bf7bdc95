import { describe, expect, it } from 'vitest';
import { escapeLittleText, unescapeLittleText } from './little-text.ts';

describe('escapeLittleText', () => {
  it('escapes every reserved character with a backslash', () => {
    expect(escapeLittleText('|{}@[]()<>#\\*_~')).toBe(
      '\\|\\{\\}\\@\\[\\]\\(\\)\\<\\>\\#\\\\\\*\\_\\~',
    );
  });

  it('leaves other text, URLs without reserved characters, and emoji alone', () => {
    const text = 'Fresh roast today! Read more: https://example.com/news?a=1&b=2 ☕️ — 50% off.';
    expect(escapeLittleText(text)).toBe(text);
  });

  it('escapes what a caption typically holds', () => {
    expect(escapeLittleText('Launch (v2) #news @team: a_b ~ok~ <3')).toBe(
      'Launch \\(v2\\) \\#news \\@team: a\\_b \\~ok\\~ \\<3',
    );
  });

  it('round-trips through unescapeLittleText', () => {
    for (const text of ['a\\b', '\\(', '((x))', 'plain', '#1 @2 [3] {4} <5> *6* _7_ ~8~ |9|']) {
      expect(unescapeLittleText(escapeLittleText(text))).toBe(text);
    }
  });
});
