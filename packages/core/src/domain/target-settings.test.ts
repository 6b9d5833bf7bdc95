import { describe, expect, it } from 'vitest';
import {
  parseTargetSettings,
  settingsMediaProblems,
  settingsPostType,
  settingsThumbnailAssetId,
} from './target-settings.ts';

describe('what settings ask of the media', () => {
  const article = { article: { url: 'https://example.com/' } };

  it('a LinkedIn article link takes one picture at most, and no video', () => {
    expect(settingsMediaProblems('linkedin', article, [])).toEqual([]);
    expect(settingsMediaProblems('linkedin', article, [{ kind: 'image' }])).toEqual([]);
    expect(
      settingsMediaProblems('linkedin', article, [{ kind: 'image' }, { kind: 'image' }]),
    ).toEqual([
      'A LinkedIn article link shows one picture, as its thumbnail; this post has 2. Keep one, or remove the article link.',
    ]);
    expect(settingsMediaProblems('linkedin', article, [{ kind: 'video' }])).toEqual([
      'A LinkedIn article link cannot carry a video: remove the video or the article link.',
    ]);
  });

  it('asks nothing without an article, or on other platforms', () => {
    expect(settingsMediaProblems('linkedin', {}, [{ kind: 'video' }])).toEqual([]);
    expect(settingsMediaProblems('facebook', article, [{ kind: 'video' }])).toEqual([]);
  });

  it('reads the post type and the thumbnail from stored settings', () => {
    expect(settingsPostType({ postType: 'story' })).toBe('story');
    expect(settingsPostType({})).toBeUndefined();
    const id = '0b0e7a51-6f4f-4c7e-9a51-5d7b1c2e3f40';
    expect(settingsThumbnailAssetId({ thumbnailAssetId: id })).toBe(id);
    expect(settingsThumbnailAssetId(null)).toBeUndefined();
    expect(parseTargetSettings('youtube', { thumbnailAssetId: 'cover.jpg' })).toEqual({
      ok: false,
      problem: expect.stringMatching(/^YouTube settings: thumbnailAssetId: /) as string,
    });
  });
});

describe('Facebook post types', () => {
  it('refuses reels and stories, which the adapter cannot publish yet, and takes posts', () => {
    expect(parseTargetSettings('facebook', { postType: 'post' })).toEqual({
      ok: true,
      settings: { postType: 'post' },
    });
    const refused = parseTargetSettings('facebook', { postType: 'story' });
    expect(refused).toEqual({
      ok: false,
      problem:
        'Facebook settings: postType: Herald publishes Facebook posts only; reels and stories are not supported yet.',
    });
  });
});
