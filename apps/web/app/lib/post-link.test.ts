import { describe, expect, it } from 'vitest';
import { postLinkProblem } from './post-link.ts';

describe('postLinkProblem', () => {
  it.each(['https://www.facebook.com/123_456', '  http://example.com/p/1  '])(
    'accepts %j',
    (link) => {
      expect(postLinkProblem(link)).toBeNull();
    },
  );

  it.each(['', '   ', 'facebook.com/123', 'javascript:alert(1)', 'ftp://example.com/x'])(
    'refuses %j with a sentence',
    (link) => {
      expect(postLinkProblem(link)).toBe(
        'Give the link to the post on the platform, starting with https://.',
      );
    },
  );
});
