// What a post becomes on YouTube (title, description, #Shorts, tags), and the YouTube settings a
// person may choose, checked as YouTube would check them.
import { describe, expect, it } from 'vitest';
import { parseTargetSettings } from '../../domain/target-settings.ts';
import type { PublishContent, PublishMedia } from '../types.ts';
import { cutToCharacters, planVideo, titleFromCaption } from './metadata.ts';

const video: PublishMedia = {
  assetId: 'a1',
  kind: 'video',
  name: 'Morning roast.mp4',
  url: 'http://127.0.0.1:1/v.mp4',
  contentType: 'video/mp4',
  sizeBytes: 1000,
  width: 1080,
  height: 1920,
  durationMs: 20_000,
};

function plan(content: Partial<PublishContent> & { caption: string }) {
  const result = planVideo({ media: [video], ...content });
  if (!result.ok) throw new Error(result.problem);
  return result.plan;
}

describe('titles', () => {
  it('come from the caption’s first line with text, without < or >, cut to 100 characters', () => {
    expect(titleFromCaption('\n  Big <news>   today \nmore')).toBe('Big news today');
    const long = `${'a'.repeat(98)} 👨‍👩‍👧 and more`;
    // The family emoji is five code points: it does not fit, and is not cut in half.
    expect(titleFromCaption(long)).toBe('a'.repeat(98));
    expect(cutToCharacters('🇳🇴🇳🇴', 3)).toBe('🇳🇴');
  });

  it('fall back to the file’s name when the caption has no words', () => {
    expect(plan({ caption: '<>' }).title).toBe('Morning roast');
  });

  it('come from the settings when set', () => {
    expect(plan({ caption: 'Caption', settings: { title: 'Chosen' } }).title).toBe('Chosen');
  });
});

describe('descriptions', () => {
  it('are the caption, with < and > shown as ‹ and ›', () => {
    expect(plan({ caption: 'I <3 coffee -> always' }).description).toBe('I ‹3 coffee -› always');
  });

  it('are refused over 5,000 bytes, counted as UTF-8', () => {
    expect(planVideo({ caption: 'é'.repeat(2_500), media: [video] }).ok).toBe(true);
    const over = planVideo({ caption: 'é'.repeat(2_501), media: [video] });
    expect(over).toEqual({
      ok: false,
      problem: expect.stringMatching(/^The caption is 5,002 bytes as UTF-8/) as string,
    });
  });
});

describe('Shorts', () => {
  it('get #Shorts at the end of the description', () => {
    expect(plan({ caption: 'Quick one', settings: { postType: 'short' } })).toMatchObject({
      title: 'Quick one',
      description: 'Quick one\n\n#Shorts',
      short: true,
    });
  });

  it('keep a #shorts the person wrote, in any case', () => {
    expect(plan({ caption: 'Quick #shorts', settings: { postType: 'short' } }).description).toBe(
      'Quick #shorts',
    );
  });

  it('carry it in the title when the description is full', () => {
    const full = `Full\n${'x'.repeat(4_994)}`;
    expect(plan({ caption: full, settings: { postType: 'short' } })).toMatchObject({
      title: 'Full #Shorts',
      description: full,
    });
  });

  it('are not tagged as Shorts when they are ordinary videos', () => {
    expect(plan({ caption: 'Long form' }).description).toBe('Long form');
  });
});

describe('the YouTube settings', () => {
  it('take what YouTube takes', () => {
    expect(
      parseTargetSettings('youtube', {
        postType: 'short',
        title: 'Fine title',
        tags: ['latte art', 'coffee'],
        privacy: 'unlisted',
        madeForKids: false,
        categoryId: '22',
      }).ok,
    ).toBe(true);
  });

  it.each([
    [{ title: 'a <b> c' }, 'YouTube settings: title: the title may not contain < or >.'],
    [{ tags: ['x>y'] }, 'YouTube settings: tags.0: a tag may not contain < or >.'],
    [{ title: 'x'.repeat(101) }, /title: Too big/],
  ])('refuse %o', (settings, problem) => {
    const parsed = parseTargetSettings('youtube', settings);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });

  it('count tags with spaces as if quoted, as YouTube does', () => {
    // 50 tags of "ab cd e" (7 + 2 for quotes) and 49 commas: 499. "ab cd ef": 549.
    expect(parseTargetSettings('youtube', { tags: Array(50).fill('ab cd e') }).ok).toBe(true);
    const over = parseTargetSettings('youtube', { tags: Array(50).fill('ab cd ef') });
    expect(over).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/500 characters or fewer/) as string,
    });
  });
});
