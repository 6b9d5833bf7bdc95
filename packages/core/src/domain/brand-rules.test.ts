import { describe, expect, it } from 'vitest';
import {
  brandProblems,
  checkBrandProfile,
  EMPTY_BRAND_PROFILE,
  readBrandProfile,
  withDefaultHashtags,
  type BrandProfile,
} from './brand-rules.ts';
import { captionLength } from './platform-rules.ts';

const profile = (over: Partial<BrandProfile>): BrandProfile => ({
  ...EMPTY_BRAND_PROFILE,
  ...over,
});

describe('brandProblems', () => {
  const fjord = profile({
    bannedTopics: ['crypto', 'Black Friday', 'café'],
    callToAction: 'Book at fjord.no!',
  });

  it('says nothing about a caption that keeps to the profile', () => {
    expect(brandProblems(fjord, 'New kayaks in store. Book at fjord.no!')).toEqual([]);
    expect(brandProblems(EMPTY_BRAND_PROFILE, 'anything at all')).toEqual([]);
  });

  it('finds banned topics whatever their case, accents, spacing or hashtag', () => {
    expect(brandProblems(fjord, 'BLACK  friday deals, #Crypto accepted. Book at fjord.no')).toEqual(
      [
        'The caption mentions a banned topic: “crypto”.',
        'The caption mentions a banned topic: “Black Friday”.',
      ],
    );
    expect(brandProblems(fjord, 'Coffee at the CAFE. Book at fjord.no')).toEqual([
      'The caption mentions a banned topic: “café”.',
    ]);
  });

  it('matches whole words only', () => {
    const ai = profile({ bannedTopics: ['AI'] });
    expect(brandProblems(ai, 'She said it was raining')).toEqual([]);
    expect(brandProblems(ai, 'Made with AI.')).toEqual([
      'The caption mentions a banned topic: “AI”.',
    ]);
    expect(brandProblems(fjord, 'cryptocurrency talk. Book at fjord.no')).toEqual([]);
  });

  it('wants the call to action, forgiving case, accents and its final punctuation', () => {
    expect(brandProblems(fjord, 'Kayaks!')).toEqual([
      'The caption is missing the required call to action: “Book at fjord.no!”.',
    ]);
    expect(brandProblems(fjord, 'Kayaks! book AT fjord.no')).toEqual([]);
    const cafe = profile({ callToAction: 'Visit the Café' });
    expect(brandProblems(cafe, 'Come and visit the cafe today')).toEqual([]);
  });
});

describe('withDefaultHashtags', () => {
  const tags = profile({ defaultHashtags: ['FjordOutdoor', 'Kayak', 'Norge'] });

  it('adds the missing ones on a line of their own, once', () => {
    expect(withDefaultHashtags('New kayaks are in.', tags, 'facebook')).toBe(
      'New kayaks are in.\n\n#FjordOutdoor #Kayak #Norge',
    );
    const once = withDefaultHashtags('New kayaks are in.', tags, 'facebook');
    expect(withDefaultHashtags(once, tags, 'facebook')).toBe(once);
  });

  it('does not repeat a hashtag already there in another case or accents, and joins a hashtag line', () => {
    expect(withDefaultHashtags('Out now\n#kayak', tags, 'linkedin')).toBe(
      'Out now\n#kayak #FjordOutdoor #Norge',
    );
    expect(withDefaultHashtags('Hei #NÖRGE', tags, 'linkedin')).toBe(
      'Hei #NÖRGE\n\n#FjordOutdoor #Kayak',
    );
  });

  it('stops at the platform’s hashtag limit (Instagram: 30)', () => {
    const caption = Array.from({ length: 29 }, (_, i) => `#t${i}x`).join(' ');
    const result = withDefaultHashtags(caption, tags, 'instagram');
    expect(result).toBe(`${caption} #FjordOutdoor`);
  });

  it('stops at the caption length, counted as the platform counts (X: the thread’s last post)', () => {
    const nearlyFull = 'a'.repeat(270);
    const result = withDefaultHashtags(nearlyFull, tags, 'x');
    // "\n\n#Kayak" is 8 and fits; "#FjordOutdoor" would not, nor would "#Norge" after #Kayak.
    expect(result).toBe(`${nearlyFull}\n\n#Kayak`);
    expect(captionLength('x', result)).toBeLessThanOrEqual(280);
    const thread = `${'b'.repeat(279)}\n---\nShort last part`;
    expect(withDefaultHashtags(thread, tags, 'x')).toBe(`${thread}\n\n#FjordOutdoor #Kayak #Norge`);
  });

  it('leaves a caption alone when the profile has no default hashtags', () => {
    expect(withDefaultHashtags('Plain', EMPTY_BRAND_PROFILE, 'x')).toBe('Plain');
  });
});

describe('checkBrandProfile', () => {
  it('trims, drops repeats and the # of hashtags', () => {
    const checked = checkBrandProfile({
      voice: '  Warm, plain, outdoorsy. ',
      bannedTopics: [' crypto', 'Crypto', '', 'politics'],
      callToAction: ' Book   at fjord.no ',
      defaultHashtags: ['#Kayak', 'kayak', '##Norge'],
    });
    expect(checked).toEqual({
      ok: true,
      profile: {
        voice: 'Warm, plain, outdoorsy.',
        bannedTopics: ['crypto', 'politics'],
        callToAction: 'Book at fjord.no',
        defaultHashtags: ['Kayak', 'Norge'],
      },
    });
  });

  it('refuses hashtags no platform would link, saying which', () => {
    expect(
      checkBrandProfile(profile({ defaultHashtags: ['summer sale', '2026', 'ok_tag'] })),
    ).toEqual({
      ok: false,
      problems: [
        '“#summer sale” is not a hashtag the platforms would link: use letters, digits and underscores, no spaces or punctuation.',
        '“#2026” is not a hashtag the platforms would link: use letters, digits and underscores, no spaces or punctuation.',
      ],
    });
  });

  it('reads a stored profile, whatever is missing from it', () => {
    expect(readBrandProfile({})).toEqual(EMPTY_BRAND_PROFILE);
    expect(readBrandProfile({ voice: 'Warm', bannedTopics: ['a', 3] })).toEqual(
      profile({ voice: 'Warm', bannedTopics: ['a'] }),
    );
  });
});
