// Videos are read by Debian's ffprobe and ffmpeg (docs/decisions/0025), run as programs on a
// local file: execFile with an argument list (no shell, so no file name is ever interpreted)
// and a timeout, because a hostile file can make a decoder spin.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { z } from 'zod';
import { MAX_UPLOAD_BYTES, VIDEO_FRAMES } from '../domain/media-files.ts';
import { MediaRejectedError, MediaToolMissingError } from './errors.ts';
import { RENDITION_JPEG, type Rendition } from './image.ts';

export interface VideoProbe {
  /** mp4, mov, webm, or ffprobe's own name for anything else (e.g. "matroska", "avi"). */
  container: string;
  durationSeconds: number;
  /** as displayed (rotation applied) */
  width: number;
  height: number;
  /**
   * Degrees (0, 90, 180, 270) the frames are turned counterclockwise for display, as ffprobe
   * reports a display matrix (a phone's portrait video is usually 270). 90 and 270 swap the
   * coded width and height.
   */
  rotation: number;
  frameRate: number;
  videoCodec: string;
  audioCodec: string | null;
  bitRate: number | null;
  sizeBytes: number;
}

export interface MediaBinaries {
  ffmpeg: string;
  ffprobe: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Input options for every run: read only local files, only with the demuxers of the accepted
 * containers (MP4/QuickTime, Matroska/WebM). A file that is really an HLS playlist or a
 * concat list would otherwise make ffmpeg open whatever paths or URLs it names.
 */
const SAFE_INPUT = [
  ...['-protocol_whitelist', 'file'],
  ...['-format_whitelist', 'mov,mp4,m4a,3gp,3g2,mj2,matroska,webm'],
];

/** `file:` so that a name with a colon is never taken for a protocol. */
const inputOf = (filePath: string) => ['-i', `file:${filePath}`];

const FfprobeStream = z.object({
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  duration: z.string().optional(),
  disposition: z.object({ attached_pic: z.number().optional() }).partial().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  side_data_list: z
    .array(z.object({ side_data_type: z.string().optional(), rotation: z.number().optional() }))
    .optional(),
});

const FfprobeOutput = z.object({
  streams: z.array(FfprobeStream).default([]),
  format: z
    .object({
      format_name: z.string().optional(),
      duration: z.string().optional(),
      size: z.string().optional(),
      bit_rate: z.string().optional(),
      tags: z.record(z.string(), z.string()).optional(),
    })
    .default({}),
});

interface RunResult {
  stdout: Buffer;
  stderr: string;
}

class RunFailed extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    readonly stderr: string,
    options: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Runs a program with arguments (no shell) and collects its output as bytes. */
function run(program: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'buffer',
      },
      (error, stdout, stderr) => {
        const errorText = stderr.toString('utf8').trim();
        if (!error) return resolve({ stdout, stderr: errorText });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES') {
          return reject(
            new MediaToolMissingError(`${program} cannot be run (${code}). ${INSTALL_HINT}`, {
              cause: error,
            }),
          );
        }
        reject(
          new RunFailed(`${program} failed: ${errorText}`, error.killed === true, errorText, {
            cause: error,
          }),
        );
      },
    );
  });
}

const INSTALL_HINT =
  "Install Debian's ffmpeg package (apt-get install ffmpeg, which brings ffprobe too), or set FFMPEG_PATH and FFPROBE_PATH to the programs.";

const unreadable = (cause: unknown) =>
  new MediaRejectedError(
    'unreadable',
    cause instanceof RunFailed && cause.timedOut
      ? 'Herald gave up reading this video: it took far too long, which usually means the file is damaged. Export it again and upload the new file.'
      : 'This file is not a video Herald can read; it may be damaged. Export it again as MP4 and upload the new file.',
    { cause },
  );

/** "30000/1001" → 29.97; "0/0" (unknown) → null. */
function rate(fraction: string | undefined): number | null {
  if (!fraction) return null;
  const [numerator, denominator = '1'] = fraction.split('/');
  const value = Number(numerator) / Number(denominator);
  return Number.isFinite(value) && value > 0 ? value : null;
}

const number = (text: string | undefined) => {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) ? value : null;
};

/** ffprobe's format list ("mov,mp4,m4a,3gp,3g2,mj2") as the one name a person would use. */
function containerName(format: string, majorBrand: string | undefined, codecs: string[]) {
  if (format.includes('mp4')) return majorBrand?.trim() === 'qt' ? 'mov' : 'mp4';
  if (format.includes('webm')) {
    const webm = ['vp8', 'vp9', 'av1', 'opus', 'vorbis'];
    return codecs.every((codec) => webm.includes(codec)) ? 'webm' : 'matroska';
  }
  return format.split(',')[0]!;
}

/**
 * Runs ffprobe -print_format json on a local file. Refuses with MediaRejectedError a file with
 * no video stream, one ffprobe cannot read (or not in an accepted container), and one over
 * MAX_UPLOAD_BYTES.video. Rotation comes from the stream's display matrix, or the older
 * `rotate` tag.
 */
export async function probeVideo(
  filePath: string,
  bin: MediaBinaries,
  o: { timeoutMs?: number } = {},
): Promise<VideoProbe> {
  const sizeBytes = (await stat(filePath)).size;
  if (sizeBytes > MAX_UPLOAD_BYTES.video) {
    throw new MediaRejectedError(
      'too_large',
      `This video is ${(sizeBytes / 1024 ** 3).toFixed(1)} GB; Herald takes videos up to ${MAX_UPLOAD_BYTES.video / 1024 ** 3} GB.`,
    );
  }
  let output: z.infer<typeof FfprobeOutput>;
  try {
    const { stdout } = await run(
      bin.ffprobe,
      [
        ...['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'],
        ...SAFE_INPUT,
        ...inputOf(filePath),
      ],
      o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    output = FfprobeOutput.parse(JSON.parse(stdout.toString('utf8')));
  } catch (error) {
    if (error instanceof MediaToolMissingError) throw error;
    throw unreadable(error);
  }

  const format = output.format.format_name ?? 'unknown';
  const video = output.streams.find(
    (s) => s.codec_type === 'video' && !s.disposition?.attached_pic && s.width && s.height,
  );
  if (!video) {
    throw new MediaRejectedError(
      'unsupported',
      'This file has no pictures in it (only sound, or nothing Herald can play). Upload a video.',
    );
  }
  const audio = output.streams.find((s) => s.codec_type === 'audio');

  const matrix = video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation;
  const tag = number(video.tags?.rotate);
  // The legacy tag counts clockwise; the display matrix, like our field, counterclockwise.
  const turned = matrix ?? (tag === null ? 0 : -tag);
  const rotation = (((Math.round(turned / 90) * 90) % 360) + 360) % 360;
  const sideways = rotation === 90 || rotation === 270;

  return {
    container: containerName(
      format,
      output.format.tags?.major_brand,
      output.streams.map((s) => s.codec_name ?? ''),
    ),
    durationSeconds: number(output.format.duration) ?? number(video.duration) ?? 0,
    width: sideways ? video.height! : video.width!,
    height: sideways ? video.width! : video.height!,
    rotation,
    frameRate: rate(video.avg_frame_rate) ?? rate(video.r_frame_rate) ?? 0,
    videoCodec: video.codec_name ?? 'unknown',
    audioCodec: audio?.codec_name ?? null,
    bitRate: number(output.format.bit_rate),
    sizeBytes,
  };
}

/** One frame at `seconds`, displayed the right way up, within the poster's box, as PNG bytes. */
async function grabFrame(
  filePath: string,
  bin: MediaBinaries,
  seconds: number,
  timeoutMs: number,
): Promise<Buffer> {
  const { maxWidth, maxHeight } = VIDEO_FRAMES.poster;
  const { stdout } = await run(
    bin.ffmpeg,
    [
      ...['-v', 'error', '-nostdin', '-ss', seconds.toFixed(3)],
      ...SAFE_INPUT,
      ...inputOf(filePath),
      ...['-map', '0:v:0', '-frames:v', '1', '-an', '-sn', '-dn'],
      // ffmpeg applies the display rotation itself; the scale only ever shrinks.
      '-vf',
      `scale=w='min(iw,${maxWidth})':h='min(ih,${maxHeight})':force_original_aspect_ratio=decrease`,
      ...['-f', 'image2pipe', '-c:v', 'png', 'pipe:1'],
    ],
    timeoutMs,
  );
  return stdout;
}

/**
 * A poster frame (at 1 s, or the first frame of a clip shorter than 2 s) as a JPEG within
 * VIDEO_FRAMES.poster (name 'full'), and a thumbnail within VIDEO_FRAMES.thumbnail (name
 * 'thumbnail') made from the same frame. Both are displayed the right way up.
 */
export async function videoFrames(
  filePath: string,
  bin: MediaBinaries,
  o: { durationSeconds: number; timeoutMs?: number },
): Promise<{ poster: Rendition; thumbnail: Rendition }> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const at = o.durationSeconds >= 2 ? 1 : 0;
  let frame: Buffer;
  try {
    frame = await grabFrame(filePath, bin, at, timeoutMs);
    // A seek past the last key frame of an odd file yields nothing: take the first frame.
    if (frame.length === 0 && at > 0) frame = await grabFrame(filePath, bin, 0, timeoutMs);
  } catch (error) {
    if (error instanceof MediaToolMissingError) throw error;
    throw unreadable(error);
  }
  if (frame.length === 0) throw unreadable(new Error('ffmpeg produced no frame'));

  const encode = async (
    name: 'full' | 'thumbnail',
    box: { maxWidth: number; maxHeight: number },
  ) => {
    const { data, info } = await sharp(frame)
      .resize(box.maxWidth, box.maxHeight, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg(RENDITION_JPEG)
      .toBuffer({ resolveWithObject: true });
    const rendition: Rendition = {
      name,
      contentType: 'image/jpeg',
      width: info.width,
      height: info.height,
      bytes: data,
    };
    return rendition;
  };
  const [poster, thumbnail] = await Promise.all([
    encode('full', VIDEO_FRAMES.poster),
    encode('thumbnail', VIDEO_FRAMES.thumbnail),
  ]);
  return { poster, thumbnail };
}

/**
 * Finds the binaries: the given paths (FFMPEG_PATH/FFPROBE_PATH, which the apps' env.ts read)
 * or `ffmpeg`/`ffprobe` on PATH, each proven by running `-version`. Throws
 * MediaToolMissingError naming what is missing and how to install it. Call it when media is
 * processed, not at start-up: a web app that never touches a video needs neither.
 */
export async function findMediaBinaries(
  o: { ffmpeg?: string; ffprobe?: string } = {},
): Promise<MediaBinaries> {
  const found: MediaBinaries = { ffmpeg: o.ffmpeg || 'ffmpeg', ffprobe: o.ffprobe || 'ffprobe' };
  const missing: string[] = [];
  for (const tool of ['ffmpeg', 'ffprobe'] as const) {
    try {
      await run(found[tool], ['-version'], 10_000);
    } catch (error) {
      const where = o[tool] ? `at ${o[tool]}` : 'on PATH';
      const why = error instanceof MediaToolMissingError ? 'not found' : 'did not run';
      missing.push(`${tool} ${why} (looked ${where})`);
    }
  }
  if (missing.length > 0) {
    throw new MediaToolMissingError(
      `Video processing needs ffmpeg and ffprobe: ${missing.join('; ')}. ${INSTALL_HINT}`,
    );
  }
  return found;
}
