import { describe, expect, it } from 'vitest';
import { IMAGE_RENDITIONS, uploadProblem } from './media-files.ts';
import {
  describeAspect,
  MEDIA_RULES,
  mediaRule,
  POST_TYPES,
  selectMedia,
  type SelectableAsset,
} from './media-rules.ts';
import { PLATFORMS } from './platforms.ts';

const ALL_RENDITIONS = IMAGE_RENDITIONS.map((r) => r.name);

function image(width: number, height: number, over: Partial<SelectableAsset> = {}) {
  return {
    id: `img-${width}x${height}`,
    name: `photo-${width}x${height}.jpg`,
    kind: 'image',
    status: 'ready',
    rejectionReason: null,
    width,
    height,
    durationMs: null,
    sizeBytes: 2_000_000,
    renditions: ALL_RENDITIONS,
    ...over,
  } satisfies SelectableAsset;
}

function video(
  width: number,
  height: number,
  seconds: number,
  over: Partial<SelectableAsset> = {},
) {
  return {
    id: `vid-${width}x${height}-${seconds}`,
    name: 'clip.mp4',
    kind: 'video',
    status: 'ready',
    rejectionReason: null,
    width,
    height,
    durationMs: seconds * 1000,
    sizeBytes: 20_000_000,
    renditions: ['full', 'thumbnail'],
    ...over,
  } satisfies SelectableAsset;
}

describe('describeAspect', () => {
  it.each([
    [1080, 3240, '1:3'],
    [1920, 1080, '16:9'],
    [1080, 1350, '4:5'],
    [1200, 630, '1.9:1'],
    [1000, 2400, '5:12'],
    [1000, 2417, '1:2.42'],
    [1.91, 1, '1.91:1'],
    [1, 2.4, '1:2.4'],
  ])('%i×%i is %s', (w, h, text) => expect(describeAspect(w, h)).toBe(text));
});

describe('the rules as data', () => {
  it('every platform has a rule for each of its post types, and the first is the default', () => {
    for (const platform of PLATFORMS) {
      for (const type of POST_TYPES[platform]) expect(mediaRule(platform, type).label).toBeTruthy();
      expect(mediaRule(platform)).toBe(
        (MEDIA_RULES[platform] as Record<string, unknown>)[POST_TYPES[platform][0]],
      );
    }
  });

  it('crops name renditions that processing makes', () => {
    for (const platform of PLATFORMS) {
      for (const rule of Object.values(MEDIA_RULES[platform])) {
        for (const crop of rule.image?.crops ?? []) expect(ALL_RENDITIONS).toContain(crop);
      }
    }
  });
});

describe('selectMedia: images', () => {
  it('sends the picture as it is when its shape fits', () => {
    expect(selectMedia('instagram', 'feed', [image(1080, 1080)])).toEqual({
      ok: true,
      items: [{ assetId: 'img-1080x1080', kind: 'image', file: 'full' }],
    });
    expect(selectMedia('facebook', undefined, [image(1000, 4000)])).toMatchObject({
      ok: true,
      items: [{ file: 'full' }],
    });
  });

  it('crops to the rendition that keeps the most of a picture that does not fit', () => {
    // 3:4 is taller than Instagram's 4:5 limit: the 4:5 crop keeps 93.75% of it.
    expect(selectMedia('instagram', 'feed', [image(3000, 4000)])).toMatchObject({
      ok: true,
      items: [{ file: 'portrait' }],
    });
    // 2:1 is wider than 1.91:1: the landscape crop.
    expect(selectMedia('instagram', 'feed', [image(4000, 2000)])).toMatchObject({
      items: [{ file: 'landscape' }],
    });
    expect(selectMedia('instagram', 'story', [image(1080, 1700)])).toMatchObject({
      items: [{ file: 'story' }],
    });
  });

  it('says exactly what is wrong when no crop keeps enough of the picture', () => {
    expect(selectMedia('instagram', 'feed', [image(1080, 3240)])).toEqual({
      ok: false,
      problems: [
        'Instagram posts need an aspect ratio between 4:5 and 1.91:1 image; “photo-1080x3240.jpg” is 1:3. Crop it closer to that shape and upload it again.',
      ],
    });
    expect(selectMedia('instagram', 'story', [image(1920, 1080)])).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('need a 9:16 image; “photo-1920x1080.jpg” is 16:9')],
    });
  });

  it('keeps the post order, so a carousel comes out as composed', () => {
    const a = image(1080, 1080, { id: 'a' });
    const b = image(1080, 1350, { id: 'b' });
    const c = video(1080, 1080, 10, { id: 'c' });
    const result = selectMedia('instagram', 'feed', [b, c, a]);
    expect(result.ok && result.items.map((i) => i.assetId)).toEqual(['b', 'c', 'a']);
  });

  it('counts items and refuses kinds the platform does not take', () => {
    const five = [1, 2, 3, 4, 5].map((n) => image(1000, 1000, { id: `i${n}` }));
    expect(selectMedia('x', undefined, five)).toEqual({
      ok: false,
      problems: ['X posts carry at most 4 items; this post has 5.'],
    });
    expect(selectMedia('google_business', undefined, [video(1920, 1080, 20)])).toEqual({
      ok: false,
      problems: ['Google Business Profile posts take images only; “clip.mp4” is a video.'],
    });
    expect(selectMedia('x', undefined, [image(100, 100), video(1280, 720, 30)])).toEqual({
      ok: false,
      problems: ["A video on X must be the post's only item."],
    });
  });

  it('refuses pictures smaller than the platform takes', () => {
    expect(selectMedia('google_business', undefined, [image(400, 249)])).toEqual({
      ok: false,
      problems: [
        'Google Business Profile posts need images of at least 250 × 250 pixels; “photo-400x249.jpg” is 400 × 249.',
      ],
    });
    expect(selectMedia('google_business', undefined, [image(250, 250, { id: 'ok' })])).toEqual({
      ok: true,
      items: [{ assetId: 'ok', kind: 'image', file: 'full' }],
    });
  });

  it('refuses media that is not ready, with the reason', () => {
    expect(selectMedia('facebook', undefined, [image(10, 10, { status: 'processing' })])).toEqual({
      ok: false,
      problems: ['“photo-10x10.jpg” is still being processed.'],
    });
    expect(
      selectMedia('facebook', undefined, [
        image(10, 10, { status: 'rejected', rejectionReason: 'The file is not a complete image.' }),
      ]),
    ).toEqual({
      ok: false,
      problems: ['“photo-10x10.jpg” could not be processed: The file is not a complete image.'],
    });
  });
});

describe('selectMedia: videos and posts without media', () => {
  it('TikTok takes 9:16 videos from 10 s to 10 min', () => {
    expect(selectMedia('tiktok', undefined, [video(1080, 1920, 30)])).toMatchObject({
      ok: true,
      items: [{ kind: 'video', file: 'original' }],
    });
    expect(selectMedia('tiktok', undefined, [video(1920, 1080, 5)])).toEqual({
      ok: false,
      problems: [
        'TikTok videos need a 9:16 video; “clip.mp4” is 16:9.',
        'TikTok videos must be at least 10 s long; “clip.mp4” lasts 5 s.',
      ],
    });
    expect(selectMedia('tiktok', undefined, [video(1080, 1920, 601)])).toMatchObject({
      problems: ['TikTok videos may last at most 10 min; “clip.mp4” lasts 10 min 1 s.'],
    });
  });

  it('YouTube Shorts are vertical and at most 60 s; X videos at most 2 min 20 s', () => {
    expect(selectMedia('youtube', 'short', [video(1080, 1920, 59)]).ok).toBe(true);
    expect(selectMedia('youtube', 'short', [video(1920, 1080, 61)])).toMatchObject({
      problems: [
        expect.stringContaining('need an aspect ratio between 9:16 and 1:1 video'),
        'YouTube Shorts may last at most 1 min; “clip.mp4” lasts 1 min 1 s.',
      ],
    });
    expect(selectMedia('youtube', 'video', [video(1920, 1080, 3600)]).ok).toBe(true);
    expect(selectMedia('x', undefined, [video(1280, 720, 140)]).ok).toBe(true);
    expect(selectMedia('x', undefined, [video(1280, 720, 141)])).toMatchObject({
      problems: ['X posts may last at most 2 min 20 s; “clip.mp4” lasts 2 min 21 s.'],
    });
  });

  it('Instagram reels and stories are 9:16', () => {
    expect(selectMedia('instagram', 'reel', [video(1080, 1920, 20)]).ok).toBe(true);
    expect(selectMedia('instagram', 'reel', [video(1080, 1080, 20)])).toMatchObject({
      problems: ['Instagram reels need a 9:16 video; “clip.mp4” is 1:1.'],
    });
    expect(selectMedia('instagram', 'story', [video(720, 1280, 61)])).toMatchObject({
      problems: ['Instagram stories may last at most 1 min; “clip.mp4” lasts 1 min 1 s.'],
    });
  });

  it('LinkedIn takes one video alone, 3 s to 30 min and 75 KB to 500 MB', () => {
    expect(selectMedia('linkedin', undefined, [video(1920, 1080, 90)])).toMatchObject({
      ok: true,
      items: [{ kind: 'video', file: 'original' }],
    });
    expect(
      selectMedia('linkedin', undefined, [video(1920, 1080, 2, { sizeBytes: 40_000 })]),
    ).toEqual({
      ok: false,
      problems: [
        'LinkedIn posts must be at least 3 s long; “clip.mp4” lasts 2 s.',
        'LinkedIn posts take videos of at least 75 KB; “clip.mp4” is 40 KB.',
      ],
    });
    expect(
      selectMedia('linkedin', undefined, [
        video(1920, 1080, 30 * 60 + 1, { sizeBytes: 501 * 1024 * 1024 }),
      ]),
    ).toMatchObject({
      problems: [
        'LinkedIn posts may last at most 30 min; “clip.mp4” lasts 30 min 1 s.',
        'LinkedIn posts take videos of at most 500 MB; “clip.mp4” is 501 MB.',
      ],
    });
    expect(selectMedia('linkedin', undefined, [image(1200, 627), video(1920, 1080, 30)])).toEqual({
      ok: false,
      problems: ["A video on LinkedIn must be the post's only item."],
    });
  });

  it('text posts need no media where the platform allows them', () => {
    expect(selectMedia('facebook', undefined, [])).toEqual({ ok: true, items: [] });
    expect(selectMedia('instagram', undefined, [])).toEqual({
      ok: false,
      problems: ['Instagram posts need an image or a video; this post has no media.'],
    });
    expect(selectMedia('tiktok', undefined, [])).toEqual({
      ok: false,
      problems: ['TikTok videos need a video; this post has no media.'],
    });
  });
});

describe('uploadProblem', () => {
  const ok = { fileName: 'launch.JPG', contentType: 'image/jpeg', size: 1_000 };
  it('lets an accepted type with a matching name and size through', () => {
    expect(uploadProblem(ok)).toBeNull();
    expect(
      uploadProblem({ fileName: 'clip.mov', contentType: 'video/quicktime', size: 5e8 }),
    ).toBeNull();
  });
  it('refuses, with a sentence, what it can tell before the upload', () => {
    expect(uploadProblem({ ...ok, contentType: 'application/pdf' })).toMatch(
      /^“launch.JPG” is not a file type Herald takes\. Upload one of: JPEG image, PNG image/,
    );
    expect(uploadProblem({ ...ok, fileName: 'launch.png' })).toBe(
      '“launch.png” is sent as a JPEG image, but its name does not end in .jpg or .jpeg.',
    );
    expect(uploadProblem({ ...ok, size: 0 })).toBe('“launch.JPG” is empty.');
    expect(uploadProblem({ ...ok, size: 31 * 1024 * 1024 })).toBe(
      '“launch.JPG” is 31 MB; images may be at most 30 MB.',
    );
    expect(
      uploadProblem({ fileName: 'a.mp4', contentType: 'video/mp4', size: 2 * 1024 ** 3 }),
    ).toBe('“a.mp4” is 2 GB; videos may be at most 1 GB.');
  });
});
