// How LinkedIn shows a post's `commentary`, which is "little text" (Microsoft Learn, "Little Text
// Format"): `\` escapes any of `| { } @ [ ] ( ) < > # \ * _ ~`; `#word` is a hashtag and
// `@[Name](urn:li:…)` a mention. Text with an unescaped reserved character that forms no element
// is cut off there without an error, as LinkedIn has been seen to do; the sandbox does the same,
// so an adapter that forgets to escape shows a shortened post.

const RESERVED = new Set([...'|{}@[]()<>#\\*_~']);
const MENTION = /^@\[([^\]\\]*)\]\((urn:li:(?:person|organization):[A-Za-z0-9_-]+)\)/;
const HASHTAG = /^#[\p{L}\p{N}_]+/u;

/** The text people see for a commentary. */
export function displayLittleText(commentary: string): string {
  let shown = '';
  for (let i = 0; i < commentary.length;) {
    const char = commentary[i]!;
    if (char === '\\') {
      const next = commentary[i + 1];
      if (next === undefined || !RESERVED.has(next)) break;
      shown += next;
      i += 2;
      continue;
    }
    if (!RESERVED.has(char)) {
      shown += char;
      i += 1;
      continue;
    }
    const rest = commentary.slice(i);
    const mention = MENTION.exec(rest);
    if (mention) {
      shown += mention[1]!;
      i += mention[0].length;
      continue;
    }
    const hashtag = HASHTAG.exec(rest);
    if (hashtag) {
      shown += hashtag[0];
      i += hashtag[0].length;
      continue;
    }
    break;
  }
  return shown;
}

/**
 * How long LinkedIn counts a commentary for its 3,000-character cap: an escape and the character
 * it escapes count as that one character (UTF-16 code units otherwise).
 */
export function littleTextLength(commentary: string): number {
  return commentary.replace(/\\(.)/gsu, '$1').length;
}
