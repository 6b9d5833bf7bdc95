// What an upload really is, from its first bytes: browsers take a file's type from its name,
// so a renamed file arrives "declared" as something it is not. We trust the bytes, and tell
// the person plainly when the name or the declared type disagrees with them.
import { fileTypeFromBuffer } from 'file-type';
import { ACCEPTED_MEDIA_TYPES, type MediaKind } from '../domain/media-files.ts';
import { MediaRejectedError } from './errors.ts';

/** How many leading bytes the sniffer needs at most (file-type's own sample size). */
export const SNIFF_BYTES = 4100;

/** Other names of accepted types: what file-type or a browser may say for the same thing. */
const ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/apng': 'image/png', // an animated PNG; processing keeps its first frame
  'video/x-m4v': 'video/mp4',
};

/** Names for types we refuse, so the sentence says what the file is. */
const OTHER_LABELS: Readonly<Record<string, string>> = {
  'image/heic': 'HEIC photo',
  'image/heif': 'HEIF photo',
  'image/avif': 'AVIF image',
  'image/tiff': 'TIFF image',
  'image/bmp': 'BMP image',
  'image/x-icon': 'icon file',
  'image/vnd.adobe.photoshop': 'Photoshop file',
  'application/pdf': 'PDF document',
  'application/zip': 'ZIP archive',
  'video/x-msvideo': 'AVI video',
  'video/x-matroska': 'Matroska (MKV) video',
  'video/3gpp': '3GP video',
  'audio/mpeg': 'MP3 audio file',
  'audio/mp4': 'M4A audio file',
};

/**
 * MP4 and QuickTime are one container family (ISO base media): cameras and phones mix the
 * names and extensions freely, and ffmpeg reads both, so one is never "mislabelled" as the other.
 */
const SAME_FAMILY = new Set(['video/mp4', 'video/quicktime']);
const sameType = (a: string, b: string) => a === b || (SAME_FAMILY.has(a) && SAME_FAMILY.has(b));

const canonical = (mime: string) => {
  const lower = mime.trim().toLowerCase().split(';')[0]!.trim();
  return ALIASES[lower] ?? lower;
};

/** "a JPEG image", "an MP4 video": the article a reader expects before an initialism. */
function withArticle(label: string): string {
  const initialism = /^[A-Z0-9]{2}/.test(label);
  const an = initialism ? /^[AEFILMNORSX8]/.test(label) : /^[aeiou]/i.test(label);
  return `${an ? 'an' : 'a'} ${label}`;
}

function describe(mime: string, ext?: string): string {
  const label =
    ACCEPTED_MEDIA_TYPES[mime]?.label ??
    OTHER_LABELS[mime] ??
    (ext ? `${ext.toUpperCase()} file` : `file of type ${mime}`);
  return withArticle(label);
}

/** "Herald takes JPEG, PNG, WebP or GIF images, or MP4, QuickTime or WebM videos." */
export function acceptedSentence(): string {
  const list = (kind: MediaKind) => {
    const names = Object.values(ACCEPTED_MEDIA_TYPES)
      .filter((t) => t.kind === kind)
      .map((t) => t.label.replace(/ (image|video)$/, ''));
    return `${names.slice(0, -1).join(', ')} or ${names.at(-1)!} ${kind}s`;
  };
  return `Herald takes ${list('image')}, or ${list('video')}.`;
}

/** The type the bytes really are (file-type 21 on the first bytes), or null if unknown. */
export async function sniffMediaType(
  head: Uint8Array,
): Promise<{ mime: string; ext: string } | null> {
  const found = await fileTypeFromBuffer(head.subarray(0, SNIFF_BYTES));
  return found ? { mime: found.mime, ext: found.ext } : null;
}

/**
 * Throws MediaRejectedError('mislabelled' | 'unsupported') when the bytes are not what
 * `declaredType`/`fileName` claim, or not an ACCEPTED_MEDIA_TYPES type, e.g. "“cat.png” says
 * it is a PNG image but is a JPEG image." Returns the accepted type the bytes are.
 *
 * An empty or generic declared type (`application/octet-stream`, which some browsers send for
 * .mov and .webm) claims nothing; a file name's extension is held against the bytes only when
 * it names another accepted type (".jfif" on a JPEG is fine, ".png" is not). MP4 and QuickTime
 * count as one type here.
 */
export async function checkMediaBytes(o: {
  head: Uint8Array;
  declaredType: string;
  fileName: string;
}): Promise<{ mime: string; kind: 'image' | 'video' }> {
  const name = `“${o.fileName}”`;
  const declared = canonical(o.declaredType);
  const claimsNothing = declared === '' || declared === 'application/octet-stream';
  const sniffed = await sniffMediaType(o.head);

  if (!sniffed) {
    if (!claimsNothing && ACCEPTED_MEDIA_TYPES[declared]) {
      throw new MediaRejectedError(
        'mislabelled',
        `${name} says it is ${describe(declared)}, but its contents are not an image or video Herald can read.`,
      );
    }
    throw new MediaRejectedError(
      'unsupported',
      `${name} is not an image or video Herald can read. ${acceptedSentence()}`,
    );
  }

  const actual = canonical(sniffed.mime);
  const accepted = ACCEPTED_MEDIA_TYPES[actual];
  if (!accepted) {
    throw new MediaRejectedError(
      'unsupported',
      `${name} is ${describe(actual, sniffed.ext)}. ${acceptedSentence()}`,
    );
  }
  if (!claimsNothing && !sameType(declared, actual)) {
    throw new MediaRejectedError(
      'mislabelled',
      `${name} says it is ${describe(declared)} but is ${describe(actual, sniffed.ext)}.`,
    );
  }
  const dot = o.fileName.lastIndexOf('.');
  const extension = dot > 0 ? o.fileName.slice(dot + 1).toLowerCase() : '';
  const namedAs = Object.entries(ACCEPTED_MEDIA_TYPES).find(([, t]) =>
    t.extensions.includes(extension),
  );
  if (namedAs && !sameType(namedAs[0], actual)) {
    throw new MediaRejectedError(
      'mislabelled',
      `${name} is named as ${describe(namedAs[0])} but is ${describe(actual)}.`,
    );
  }
  return { mime: actual, kind: accepted.kind };
}
