// Images in, platform-ready JPEGs out. An upload is untrusted: its header is checked before a
// pixel is decoded (size, pixel count, completeness), then it is decoded once into clean sRGB
// pixels from which every rendition is cut. Nothing of the original's metadata survives: no
// EXIF (GPS!), XMP or IPTC, and the orientation is applied to the pixels instead.
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import {
  IMAGE_RENDITIONS,
  MAX_IMAGE_PIXELS,
  MAX_UPLOAD_BYTES,
  type RenditionName,
  type RenditionSpec,
} from '../domain/media-files.ts';
import { MediaRejectedError } from './errors.ts';
import { acceptedSentence } from './sniff.ts';

export interface ImageProbe {
  /** sharp's name of the decoder: jpeg, png, webp, gif. */
  format: string;
  width: number;
  height: number;
  /** after EXIF orientation */
  orientedWidth: number;
  orientedHeight: number;
  /** The EXIF Orientation tag (1–8), null when absent. */
  orientation: number | null;
  /** The pixels' colour space as libvips names it: srgb, cmyk, b-w, rgb16… */
  space: string | null;
  hasAlpha: boolean;
  /** The EXIF carries a GPS block: where the photo was taken (renditions never keep it). */
  hasGps: boolean;
  /** An embedded ICC colour profile (Display P3, Adobe RGB, a CMYK press profile…). */
  hasIccProfile: boolean;
}

export interface Rendition {
  name: RenditionName;
  contentType: 'image/jpeg';
  width: number;
  height: number;
  bytes: Buffer;
}

/** The formats processing takes: the images of ACCEPTED_MEDIA_TYPES, as sharp names them. */
const PROCESSABLE = new Set(['jpeg', 'png', 'webp', 'gif']);

/** Every JPEG we write. mozjpeg is off: twice the encoding time for a few per cent of bytes. */
export const RENDITION_JPEG = { quality: 85, progressive: true, mozjpeg: false } as const;

/**
 * How many renditions of one image are encoded at once. bench/media.ts on two cores: 2 and 4
 * ran alike (1.7–1.9 images/s) and 1 slower; 2 held less memory (peak 407–444 MB against
 * 423–458). sharp's own globals are left as they are: its libvips thread count (1 under glibc,
 * its own choice against memory fragmentation) and operation cache changed nothing we could
 * measure, and a library should not reset them for the whole process.
 */
export const DEFAULT_RENDER_CONCURRENCY = 2;

/**
 * Abort on decoding errors, not on warnings: real cameras write JPEGs with stray bytes that
 * libjpeg only warns about, and refusing those would refuse ordinary photos.
 */
const FAIL_ON = 'error' as const;

const megapixels = (pixels: number) =>
  (pixels / 1e6).toLocaleString('en', { maximumFractionDigits: 1 });
const megabytes = (bytes: number) =>
  (bytes / (1024 * 1024)).toLocaleString('en', { maximumFractionDigits: 1 });

/** sharp's failures as the sentence a person can act on. */
function rejectionFrom(error: unknown): MediaRejectedError {
  if (error instanceof MediaRejectedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new MediaRejectedError(
      'too_many_pixels',
      `This image has more than ${megapixels(MAX_IMAGE_PIXELS)} megapixels, the most Herald takes. Scale it down and upload it again.`,
      { cause: error },
    );
  }
  if (/unsupported image format/i.test(message)) {
    return new MediaRejectedError(
      'unreadable',
      `This file is not an image Herald can read. ${acceptedSentence()}`,
      { cause: error },
    );
  }
  if (/premature end|truncated|unexpected end|not enough data|short read/i.test(message)) {
    return incomplete(error);
  }
  return new MediaRejectedError(
    'corrupt',
    'This image is damaged and cannot be read. Export it again from the app that made it and upload the new file.',
    { cause: error },
  );
}

const incomplete = (cause?: unknown) =>
  new MediaRejectedError(
    'corrupt',
    'This image is incomplete: the file ends before the picture does, which usually means the upload or a copy was cut short. Upload it again.',
    { cause },
  );

const JPEG_EOI = Buffer.from([0xff, 0xd9]);

/**
 * Whether the file is as long as its own structure says, read from the container alone (no
 * decoding): a JPEG's image data must end with its EOI marker, a PNG with its IEND chunk, a
 * WebP must hold the bytes its RIFF header counts. Anything we cannot judge counts as whole;
 * decoding finds the rest.
 */
function looksComplete(format: string, input: Buffer): boolean {
  if (format === 'png') return input.lastIndexOf('IEND') > 8;
  if (format === 'webp') return input.length >= 12 && input.readUInt32LE(4) + 8 <= input.length;
  if (format !== 'jpeg') return true;
  // Walk the segments to the first scan; an EXIF thumbnail's own EOI sits in APP1, before it.
  let at = 2;
  while (at + 4 <= input.length) {
    if (input[at] !== 0xff) return true;
    const marker = input[at + 1]!;
    if (marker === 0xff) {
      at += 1;
    } else if (marker === 0xda) {
      return input.lastIndexOf(JPEG_EOI) > at;
    } else if ((marker >= 0xd0 && marker <= 0xd8) || marker === 0x01) {
      at += 2;
    } else {
      at += 2 + input.readUInt16BE(at + 2);
    }
  }
  return false;
}

/** Whether raw EXIF (as sharp returns it, with or without the "Exif\0\0" prefix) has a GPS IFD. */
export function exifHasGps(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  if (tiff.length < 8) return false;
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  if (ifd0 + 2 > tiff.length) return false;
  const entries = u16(ifd0);
  for (let i = 0; i < entries; i += 1) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > tiff.length) return false;
    if (u16(entry) === 0x8825) return u32(entry + 8) > 0; // GPSInfo: the GPS IFD's offset
  }
  return false;
}

/**
 * What the image is, from its header alone (nothing decoded). Refuses too-many-pixels (before
 * decoding: a "bomb" of a few KB claiming 50,000 × 50,000), truncated and unsupported images,
 * and files over MAX_UPLOAD_BYTES.image, each with a sentence for the uploader.
 */
export async function probeImage(
  input: Buffer,
  o: { maxPixels?: number } = {},
): Promise<ImageProbe> {
  const maxPixels = o.maxPixels ?? MAX_IMAGE_PIXELS;
  if (input.length > MAX_UPLOAD_BYTES.image) {
    throw new MediaRejectedError(
      'too_large',
      `This image is ${megabytes(input.length)} MB; Herald takes images up to ${megabytes(MAX_UPLOAD_BYTES.image)} MB.`,
    );
  }
  let metadata: Metadata;
  try {
    // No pixel limit here: we read the header to say how big the image is, ourselves.
    metadata = await sharp(input, { limitInputPixels: false, failOn: FAIL_ON }).metadata();
  } catch (error) {
    throw rejectionFrom(error);
  }
  if (!PROCESSABLE.has(metadata.format)) {
    throw new MediaRejectedError(
      'unsupported',
      `This is ${metadata.format.toUpperCase()} image data, which Herald cannot process. ${acceptedSentence()}`,
    );
  }
  const { width, height } = metadata;
  if (width * height > maxPixels) {
    throw new MediaRejectedError(
      'too_many_pixels',
      `This image is ${width.toLocaleString('en')} × ${height.toLocaleString('en')} pixels (${megapixels(width * height)} megapixels); Herald takes images up to ${megapixels(maxPixels)} megapixels. Scale it down and upload it again.`,
    );
  }
  if (!looksComplete(metadata.format, input)) throw incomplete();
  return {
    format: metadata.format,
    width,
    height,
    orientedWidth: metadata.autoOrient.width,
    orientedHeight: metadata.autoOrient.height,
    orientation: metadata.orientation ?? null,
    space: metadata.space ?? null,
    hasAlpha: metadata.hasAlpha,
    hasGps: exifHasGps(metadata.exif),
    hasIccProfile: metadata.hasProfile,
  };
}

/**
 * The scale of the one decode every rendition is cut from: as large as the most demanding spec
 * needs (a cover crop needs the short side, an inside fit the long one), never enlarged.
 */
function workingScale(width: number, height: number, specs: readonly RenditionSpec[]): number {
  let scale = 0;
  for (const spec of specs) {
    const needed =
      spec.fit === 'cover'
        ? Math.max(spec.width / width, spec.height / height)
        : Math.min(spec.width / width, spec.height / height);
    scale = Math.max(scale, needed);
  }
  return Math.min(1, scale);
}

/** Runs `tasks` at most `limit` at a time, keeping their order in the result. */
async function inBatches<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const index = next;
      next += 1;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, lane));
  return results;
}

/**
 * Every spec in `specs` (default IMAGE_RENDITIONS) as a JPEG: auto-oriented (EXIF), stripped of
 * all metadata (EXIF/GPS/XMP/IPTC/ICC), converted to sRGB, alpha flattened on white; `cover` is
 * exactly the spec's size, cropped with sharp's attention strategy; `inside` fits within it,
 * never enlarged. The input is decoded once, at the largest size any spec needs, and the
 * renditions are cut from those pixels `concurrency` at a time (DEFAULT_RENDER_CONCURRENCY).
 * Throws MediaRejectedError on an image probeImage refuses or that fails to decode.
 */
export async function renderImage(
  input: Buffer,
  o: { specs?: readonly RenditionSpec[]; maxPixels?: number; concurrency?: number } = {},
): Promise<Rendition[]> {
  const specs = o.specs ?? IMAGE_RENDITIONS;
  const maxPixels = o.maxPixels ?? MAX_IMAGE_PIXELS;
  const probe = await probeImage(input, { maxPixels });
  const scale = workingScale(probe.orientedWidth, probe.orientedHeight, specs);

  let working: { data: Buffer; info: OutputInfo };
  try {
    working = await sharp(input, { limitInputPixels: maxPixels, failOn: FAIL_ON, autoOrient: true })
      .resize(
        Math.max(1, Math.ceil(probe.orientedWidth * scale)),
        Math.max(1, Math.ceil(probe.orientedHeight * scale)),
        { fit: 'fill' },
      )
      // Embedded profiles (P3, CMYK) are converted to sRGB here; the raw pixels carry none.
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw rejectionFrom(error);
  }

  const raw = {
    width: working.info.width,
    height: working.info.height,
    channels: working.info.channels,
  };
  return inBatches(
    specs.map((spec) => async (): Promise<Rendition> => {
      const { data, info } = await sharp(working.data, { raw })
        .resize(
          spec.width,
          spec.height,
          spec.fit === 'cover'
            ? { fit: 'cover', position: 'attention' }
            : { fit: 'inside', withoutEnlargement: true },
        )
        .jpeg(RENDITION_JPEG)
        .toBuffer({ resolveWithObject: true });
      return {
        name: spec.name,
        contentType: 'image/jpeg',
        width: info.width,
        height: info.height,
        bytes: data,
      };
    }),
    o.concurrency ?? DEFAULT_RENDER_CONCURRENCY,
  );
}
