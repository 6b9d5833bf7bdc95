// What media each platform takes for each kind of post, as data, and the one function that
// picks what to send (or says exactly what is wrong). The composer, scheduling and the
// engine's prerequisite check all call `selectMedia`, so they never disagree.
import type { MediaKind, MediaStatus, RenditionName } from './media-files.ts';
import { PLATFORM_LABELS, type Platform } from './platforms.ts';

/** An aspect ratio as width:height, e.g. [4, 5]. */
export type Aspect = readonly [number, number];

export interface AspectRange {
  min: Aspect;
  max: Aspect;
}

export interface MediaRule {
  /** How a person names these posts, in the plural: "Instagram reels". */
  label: string;
  /** A post of this type cannot go out without media. */
  requiresMedia: boolean;
  /** The most items one post may carry (a carousel's length). */
  maxItems: number;
  kinds: readonly MediaKind[];
  /** A video must be the post's only item (X, Facebook). */
  videoAlone: boolean;
  image?: {
    /** Null: any shape goes (the `full` rendition). */
    aspect: AspectRange | null;
    /** Crops Herald may use when the picture's own shape does not fit, best first. */
    crops: readonly RenditionName[];
    /** The smallest picture the platform takes, in pixels (Google Business: 250 × 250). */
    minSize?: { width: number; height: number };
  };
  video?: {
    aspect: AspectRange | null;
    minSeconds?: number;
    maxSeconds?: number;
    minBytes?: number;
    maxBytes?: number;
  };
}

/** The kinds of post each platform has, as far as media is concerned; the first is the default. */
export const POST_TYPES = {
  facebook: ['post', 'reel', 'story'],
  instagram: ['feed', 'reel', 'story'],
  x: ['post'],
  linkedin: ['post'],
  tiktok: ['video'],
  youtube: ['video', 'short'],
  google_business: ['post'],
} as const satisfies Record<Platform, readonly string[]>;

export type PostType<P extends Platform = Platform> = (typeof POST_TYPES)[P][number];

export function defaultPostType(platform: Platform): PostType {
  return POST_TYPES[platform][0];
}

const VERTICAL: AspectRange = { min: [9, 16], max: [9, 16] };
const KB = 1024;
const MB = 1024 * KB;

// Sources: seed 001's platform requirements, ../shared/reference/platform-apis.md, and the
// platforms' publishing docs (Instagram: aspect 4:5–1.91:1, carousels 2–10, stories and reels
// 9:16; X: 4 images or one video of at most 2 min 20 s; TikTok: 9:16, 10 s–10 min; YouTube
// Shorts: vertical, at most 60 s; LinkedIn images and videos 1:2.4–2.4:1, one video alone;
// Google Business: one photo).
export const MEDIA_RULES: { [P in Platform]: Record<PostType<P>, MediaRule> } = {
  facebook: {
    post: {
      label: 'Facebook posts',
      requiresMedia: false,
      maxItems: 10,
      kinds: ['image', 'video'],
      videoAlone: true,
      image: { aspect: null, crops: [] },
      video: { aspect: null, maxSeconds: 240 * 60 },
    },
    reel: {
      label: 'Facebook reels',
      requiresMedia: true,
      maxItems: 1,
      kinds: ['video'],
      videoAlone: true,
      video: { aspect: VERTICAL, minSeconds: 3, maxSeconds: 90 },
    },
    story: {
      label: 'Facebook stories',
      requiresMedia: true,
      maxItems: 1,
      kinds: ['image', 'video'],
      videoAlone: true,
      image: { aspect: VERTICAL, crops: ['story'] },
      video: { aspect: VERTICAL, maxSeconds: 60 },
    },
  },
  instagram: {
    feed: {
      label: 'Instagram posts',
      requiresMedia: true,
      maxItems: 10,
      kinds: ['image', 'video'],
      videoAlone: false,
      image: {
        aspect: { min: [4, 5], max: [1.91, 1] },
        crops: ['portrait', 'square', 'landscape'],
      },
      video: { aspect: { min: [4, 5], max: [1.91, 1] }, minSeconds: 3, maxSeconds: 60 },
    },
    reel: {
      label: 'Instagram reels',
      requiresMedia: true,
      maxItems: 1,
      kinds: ['video'],
      videoAlone: true,
      video: { aspect: VERTICAL, minSeconds: 3, maxSeconds: 15 * 60, maxBytes: 1024 * MB },
    },
    story: {
      label: 'Instagram stories',
      requiresMedia: true,
      maxItems: 1,
      kinds: ['image', 'video'],
      videoAlone: true,
      image: { aspect: VERTICAL, crops: ['story'] },
      video: { aspect: VERTICAL, minSeconds: 3, maxSeconds: 60, maxBytes: 100 * MB },
    },
  },
  x: {
    post: {
      label: 'X posts',
      requiresMedia: false,
      maxItems: 4,
      kinds: ['image', 'video'],
      videoAlone: true,
      image: { aspect: null, crops: [] },
      video: {
        aspect: { min: [1, 3], max: [3, 1] },
        minSeconds: 0.5,
        maxSeconds: 140,
        maxBytes: 512 * MB,
      },
    },
  },
  linkedin: {
    post: {
      label: 'LinkedIn posts',
      requiresMedia: false,
      maxItems: 20,
      kinds: ['image', 'video'],
      videoAlone: true,
      image: { aspect: { min: [1, 2.4], max: [2.4, 1] }, crops: ['link', 'square', 'portrait'] },
      // The Videos API's file specifications: 3 s to 30 min, 75 KB to 500 MB.
      video: {
        aspect: { min: [1, 2.4], max: [2.4, 1] },
        minSeconds: 3,
        maxSeconds: 30 * 60,
        minBytes: 75 * KB,
        maxBytes: 500 * MB,
      },
    },
  },
  tiktok: {
    video: {
      label: 'TikTok videos',
      requiresMedia: true,
      maxItems: 1,
      kinds: ['video'],
      videoAlone: true,
      video: { aspect: VERTICAL, minSeconds: 10, maxSeconds: 10 * 60, maxBytes: 4096 * MB },
    },
  },
  youtube: {
    video: {
      label: 'YouTube videos',
      requiresMedia: true,
      maxItems: 1,
      kinds: ['video'],
      videoAlone: true,
      video: { aspect: null, maxSeconds: 12 * 60 * 60 },
    },
    short: {
      label: 'YouTube Shorts',
      requiresMedia: true,
      maxItems: 1,
      kinds: ['video'],
      videoAlone: true,
      video: { aspect: { min: [9, 16], max: [1, 1] }, maxSeconds: 60 },
    },
  },
  google_business: {
    post: {
      label: 'Google Business Profile posts',
      requiresMedia: false,
      maxItems: 1,
      kinds: ['image'],
      videoAlone: true,
      // Google's photo guidelines: at least 250 × 250 pixels (JPEG renditions, 10 KB–5 MB).
      image: { aspect: null, crops: [], minSize: { width: 250, height: 250 } },
    },
  },
};

export function mediaRule(platform: Platform, postType?: string): MediaRule {
  const rules = MEDIA_RULES[platform] as Record<string, MediaRule>;
  return rules[postType ?? defaultPostType(platform)] ?? rules[defaultPostType(platform)]!;
}

/** What selection needs to know of one asset, in the post's order. */
export interface SelectableAsset {
  id: string;
  name: string;
  kind: MediaKind;
  status: MediaStatus;
  rejectionReason: string | null;
  /** As displayed. Null until processing has probed it. */
  width: number | null;
  height: number | null;
  durationMs: number | null;
  sizeBytes: number;
  /** The renditions stored for it. */
  renditions: readonly RenditionName[];
}

/** One item to publish: an asset and which of its files to send. */
export interface SelectedMedia {
  assetId: string;
  kind: MediaKind;
  /** `original` for a video (Herald does not transcode); a rendition for an image. */
  file: RenditionName | 'original';
}

export type MediaSelection =
  { ok: true; items: SelectedMedia[] } | { ok: false; problems: string[] };

/**
 * A crop may cut away at most this share of the picture; beyond it the result is no longer
 * the photo the person chose, and validation asks them for a better-shaped one instead.
 */
export const MAX_CROP_LOSS = 0.5;

const TOLERANCE = 0.01;

const ratio = (a: Aspect) => a[0] / a[1];

const RENDITION_ASPECT: Partial<Record<RenditionName, Aspect>> = {
  square: [1, 1],
  portrait: [4, 5],
  landscape: [1200, 630],
  link: [1200, 627],
  story: [9, 16],
  wide: [16, 9],
};

function within(value: number, range: AspectRange): boolean {
  return value >= ratio(range.min) * (1 - TOLERANCE) && value <= ratio(range.max) * (1 + TOLERANCE);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** "1:3", "16:9", "4:5" for simple shapes; "1.91:1" or "1:2.40" otherwise. */
export function describeAspect(width: number, height: number): string {
  if (Number.isInteger(width) && Number.isInteger(height)) {
    const d = gcd(width, height);
    if (width / d <= 21 && height / d <= 21) return `${width / d}:${height / d}`;
  }
  const r = width / height;
  return r >= 1 ? `${trim(r)}:1` : `1:${trim(1 / r)}`;
}

function trim(n: number): string {
  return n.toFixed(2).replace(/\.?0+$/, '');
}

function describeRange(range: AspectRange): string {
  const [a, b] = [range.min, range.max].map(([w, h]) => describeAspect(w, h));
  return a === b ? `a ${a}` : `an aspect ratio between ${a} and ${b}`;
}

function seconds(s: number): string {
  if (s < 60) return `${trim(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  if (m < 60) return rest ? `${m} min ${rest} s` : `${m} min`;
  return `${trim(s / 3600)} h`;
}

function quoted(asset: SelectableAsset): string {
  return `“${asset.name}”`;
}

function pickImageFile(
  rule: MediaRule,
  asset: SelectableAsset,
  problems: string[],
): RenditionName | null {
  const spec = rule.image!;
  const { width, height } = asset;
  if (width === null || height === null) {
    problems.push(`${quoted(asset)} has not been processed yet.`);
    return null;
  }
  const min = spec.minSize;
  if (min && (width < min.width || height < min.height)) {
    problems.push(
      `${rule.label} need images of at least ${min.width} × ${min.height} pixels; ${quoted(asset)} is ${width} × ${height}.`,
    );
    return null;
  }
  const own = width / height;
  if (!spec.aspect || within(own, spec.aspect)) {
    if (asset.renditions.includes('full')) return 'full';
  }
  let best: { name: RenditionName; kept: number } | null = null;
  for (const name of spec.crops) {
    const aspect = RENDITION_ASPECT[name];
    if (!aspect || !asset.renditions.includes(name)) continue;
    const target = ratio(aspect);
    const kept = Math.min(target / own, own / target);
    if (!best || kept > best.kept) best = { name, kept };
  }
  if (best && best.kept >= 1 - MAX_CROP_LOSS) return best.name;
  const needs = spec.aspect ? describeRange(spec.aspect) : 'another shape';
  problems.push(
    `${rule.label} need ${needs} image; ${quoted(asset)} is ${describeAspect(width, height)}. Crop it closer to that shape and upload it again.`,
  );
  return null;
}

function checkVideo(rule: MediaRule, asset: SelectableAsset, problems: string[]): boolean {
  const spec = rule.video!;
  const before = problems.length;
  const { width, height, durationMs } = asset;
  if (width === null || height === null || durationMs === null) {
    problems.push(`${quoted(asset)} has not been processed yet.`);
    return false;
  }
  if (spec.aspect && !within(width / height, spec.aspect)) {
    problems.push(
      `${rule.label} need ${describeRange(spec.aspect)} video; ${quoted(asset)} is ${describeAspect(width, height)}.`,
    );
  }
  const s = durationMs / 1000;
  if (spec.minSeconds !== undefined && s < spec.minSeconds) {
    problems.push(
      `${rule.label} must be at least ${seconds(spec.minSeconds)} long; ${quoted(asset)} lasts ${seconds(s)}.`,
    );
  }
  if (spec.maxSeconds !== undefined && s > spec.maxSeconds) {
    problems.push(
      `${rule.label} may last at most ${seconds(spec.maxSeconds)}; ${quoted(asset)} lasts ${seconds(s)}.`,
    );
  }
  if (spec.minBytes !== undefined && asset.sizeBytes < spec.minBytes) {
    problems.push(
      `${rule.label} take videos of at least ${Math.round(spec.minBytes / KB)} KB; ${quoted(asset)} is ${Math.ceil(asset.sizeBytes / KB)} KB.`,
    );
  }
  if (spec.maxBytes !== undefined && asset.sizeBytes > spec.maxBytes) {
    problems.push(
      `${rule.label} take videos of at most ${Math.round(spec.maxBytes / MB)} MB; ${quoted(asset)} is ${Math.round(asset.sizeBytes / MB)} MB.`,
    );
  }
  return problems.length === before;
}

const KIND_WORDS: Record<MediaKind, string> = { image: 'images', video: 'videos' };

/**
 * Picks, for each asset of a post in order, the file to send to `platform` as a post of
 * `postType`: the picture as it is when its shape fits, else the crop that keeps the most of
 * it; a video as uploaded when it meets the rules. Anything that cannot go is a sentence
 * saying what to change.
 */
export function selectMedia(
  platform: Platform,
  postType: string | undefined,
  assets: readonly SelectableAsset[],
): MediaSelection {
  const rule = mediaRule(platform, postType);
  const problems: string[] = [];
  const label = PLATFORM_LABELS[platform];
  if (assets.length === 0) {
    if (rule.requiresMedia) {
      const what = rule.kinds.length === 1 ? `a ${rule.kinds[0]}` : 'an image or a video';
      return { ok: false, problems: [`${rule.label} need ${what}; this post has no media.`] };
    }
    return { ok: true, items: [] };
  }
  if (assets.length > rule.maxItems) {
    problems.push(
      rule.maxItems === 1
        ? `${rule.label} carry one item; this post has ${assets.length}.`
        : `${rule.label} carry at most ${rule.maxItems} items; this post has ${assets.length}.`,
    );
  }
  if (rule.videoAlone && assets.length > 1 && assets.some((a) => a.kind === 'video')) {
    problems.push(`A video on ${label} must be the post's only item.`);
  }
  const items: SelectedMedia[] = [];
  for (const asset of assets) {
    if (asset.status === 'rejected') {
      problems.push(
        `${quoted(asset)} could not be processed${asset.rejectionReason ? `: ${asset.rejectionReason}` : '.'}`,
      );
      continue;
    }
    if (asset.status !== 'ready') {
      problems.push(`${quoted(asset)} is still being processed.`);
      continue;
    }
    if (!rule.kinds.includes(asset.kind)) {
      problems.push(
        `${rule.label} take ${rule.kinds.map((k) => KIND_WORDS[k]).join(' and ')} only; ${quoted(asset)} is a ${asset.kind}.`,
      );
      continue;
    }
    if (asset.kind === 'image') {
      const file = pickImageFile(rule, asset, problems);
      if (file) items.push({ assetId: asset.id, kind: 'image', file });
    } else if (checkVideo(rule, asset, problems)) {
      items.push({ assetId: asset.id, kind: 'video', file: 'original' });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, items };
}
