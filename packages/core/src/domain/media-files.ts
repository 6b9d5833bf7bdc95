// What Herald accepts as media and what it makes of it, as data: the file types and sizes an
// upload may have, and the renditions processing stores for every image (seed 001's sizes).

/** Values match the database enum `media_kind`. */
export const MEDIA_KINDS = ['image', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** Values match the database enum `media_status`. */
export const MEDIA_STATUSES = ['processing', 'ready', 'rejected'] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

export interface AcceptedType {
  kind: MediaKind;
  /** What a person calls it in a sentence. */
  label: string;
  /** File name extensions that may carry it (lower case, without the dot). */
  extensions: readonly string[];
}

/** Content types an upload may declare, keyed by MIME type. */
export const ACCEPTED_MEDIA_TYPES: Readonly<Record<string, AcceptedType>> = {
  'image/jpeg': { kind: 'image', label: 'JPEG image', extensions: ['jpg', 'jpeg'] },
  'image/png': { kind: 'image', label: 'PNG image', extensions: ['png'] },
  'image/webp': { kind: 'image', label: 'WebP image', extensions: ['webp'] },
  'image/gif': { kind: 'image', label: 'GIF image', extensions: ['gif'] },
  'video/mp4': { kind: 'video', label: 'MP4 video', extensions: ['mp4', 'm4v'] },
  'video/quicktime': { kind: 'video', label: 'QuickTime video', extensions: ['mov'] },
  'video/webm': { kind: 'video', label: 'WebM video', extensions: ['webm'] },
};

/** The largest upload of each kind, in bytes. */
export const MAX_UPLOAD_BYTES: Readonly<Record<MediaKind, number>> = {
  image: 30 * 1024 * 1024,
  video: 1024 * 1024 * 1024,
};

/**
 * The most pixels an image may decode to. A 12-megapixel photo is 12e6; a "decompression
 * bomb" (a tiny file that claims 50,000 × 50,000) is refused before it is decoded.
 */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** Everything processing produces is JPEG: every platform takes it, Instagram only it. */
export interface RenditionSpec {
  name: RenditionName;
  width: number;
  height: number;
  /**
   * `cover`: exactly width × height, cropped to the most interesting region (sharp's
   * attention strategy). `inside`: the whole image, scaled down (never up) to fit the box.
   */
  fit: 'cover' | 'inside';
}

export type RenditionName =
  'full' | 'square' | 'portrait' | 'landscape' | 'link' | 'story' | 'wide' | 'thumbnail';

/** The renditions every image gets; the asset is ready only when all are stored. */
export const IMAGE_RENDITIONS: readonly RenditionSpec[] = [
  // The picture as taken (oriented, clean, sRGB), for platforms that take any shape.
  { name: 'full', width: 2048, height: 2048, fit: 'inside' },
  { name: 'square', width: 1080, height: 1080, fit: 'cover' }, // Instagram 1:1
  { name: 'portrait', width: 1080, height: 1350, fit: 'cover' }, // Instagram 4:5
  { name: 'landscape', width: 1200, height: 630, fit: 'cover' }, // Facebook 1.91:1
  { name: 'link', width: 1200, height: 627, fit: 'cover' }, // LinkedIn
  { name: 'story', width: 1080, height: 1920, fit: 'cover' }, // Stories, 9:16
  { name: 'wide', width: 1280, height: 720, fit: 'cover' }, // YouTube thumbnail 16:9
  { name: 'thumbnail', width: 320, height: 320, fit: 'inside' }, // the dashboard
];

/** What a video gets: a poster frame at full size and a dashboard thumbnail, both JPEG. */
export const VIDEO_FRAMES = {
  poster: { maxWidth: 1920, maxHeight: 1920 },
  thumbnail: { maxWidth: 320, maxHeight: 320 },
} as const;

export interface DeclaredUpload {
  fileName: string;
  contentType: string;
  size: number;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 * 1024
    ? `${Math.round(bytes / (1024 * 1024 * 1024))} GB`
    : `${Math.round(bytes / (1024 * 1024))} MB`;
}

/**
 * What is wrong with an upload before a byte of it is sent: a type Herald does not take, a
 * name whose extension says otherwise, an empty or too large file. Null when it may go ahead.
 * (After the upload, processing checks the bytes themselves: see core/media/sniff.ts.)
 */
export function uploadProblem(upload: DeclaredUpload): string | null {
  const name = `“${upload.fileName}”`;
  const type = ACCEPTED_MEDIA_TYPES[upload.contentType.toLowerCase()];
  if (!type) {
    const labels = [...new Set(Object.values(ACCEPTED_MEDIA_TYPES).map((t) => t.label))];
    return `${name} is not a file type Herald takes. Upload one of: ${labels.join(', ')}.`;
  }
  const extension = /\.([^.]+)$/.exec(upload.fileName)?.[1]?.toLowerCase();
  if (!extension || !type.extensions.includes(extension)) {
    return `${name} is sent as a ${type.label}, but its name does not end in ${type.extensions.map((e) => `.${e}`).join(' or ')}.`;
  }
  if (!Number.isInteger(upload.size) || upload.size <= 0) return `${name} is empty.`;
  const max = MAX_UPLOAD_BYTES[type.kind];
  if (upload.size > max) {
    return `${name} is ${sizeText(upload.size)}; ${type.kind}s may be at most ${sizeText(max)}.`;
  }
  return null;
}
