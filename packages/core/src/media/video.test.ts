import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaRejectedError, MediaToolMissingError } from './errors.ts';
import { checkMediaBytes } from './sniff.ts';
import { findMediaBinaries, probeVideo, videoFrames, type MediaBinaries } from './video.ts';

const run = promisify(execFile);
let dir: string;
let bin: MediaBinaries;
const file = (name: string) => join(dir, name);

/** A test-pattern video made by ffmpeg itself. */
async function makeVideo(name: string, args: string[]) {
  await run(bin.ffmpeg, ['-v', 'error', '-y', ...args, file(name)]);
  return file(name);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-video-'));
  bin = await findMediaBinaries();
  const pattern = (size: string, duration: number) => [
    ...['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25:duration=${duration}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${duration}`],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
    ],
  ];
  await makeVideo('plain.mp4', pattern('320x240', 2));
  // ffmpeg 5 writes the tag as a display matrix turning the frames 90° counterclockwise.
  await makeVideo('rotated.mp4', [
    '-i',
    file('plain.mp4'),
    '-c',
    'copy',
    '-metadata:s:v',
    'rotate=90',
  ]);
  await makeVideo('short.mp4', pattern('640x480', 0.4));
  await makeVideo('sound.m4a', ['-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac']);
  await writeFile(file('letter.mp4'), 'Dear customer, this is a letter and not a video.\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<MediaRejectedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MediaRejectedError);
  return error as MediaRejectedError;
}

describe('probeVideo', () => {
  it('reads duration, size, frame rate and codecs', async () => {
    const probe = await probeVideo(file('plain.mp4'), bin);
    expect(probe).toMatchObject({
      container: 'mp4',
      width: 320,
      height: 240,
      rotation: 0,
      frameRate: 25,
      videoCodec: 'h264',
      audioCodec: 'aac',
    });
    expect(probe.durationSeconds).toBeCloseTo(2, 1);
    expect(probe.bitRate).toBeGreaterThan(0);
    expect(probe.sizeBytes).toBeGreaterThan(1000);
  });

  it('gives the displayed size of a rotated video', async () => {
    const probe = await probeVideo(file('rotated.mp4'), bin);
    expect(probe).toMatchObject({ width: 240, height: 320, rotation: 90 });
  });

  it('refuses a file with no pictures and one that is not a video', async () => {
    const sound = await rejection(probeVideo(file('sound.m4a'), bin));
    expect(sound.reason).toBe('unsupported');
    expect(sound.message).toBe(
      'This file has no pictures in it (only sound, or nothing Herald can play). Upload a video.',
    );
    const letter = await rejection(probeVideo(file('letter.mp4'), bin));
    expect(letter.reason).toBe('unreadable');
    expect(letter.message).toMatch(/^This file is not a video Herald can read/);
  });
});

describe('videoFrames', () => {
  it('makes a poster and a thumbnail the way the video is shown', async () => {
    const plain = await videoFrames(file('plain.mp4'), bin, { durationSeconds: 2 });
    const rotated = await videoFrames(file('rotated.mp4'), bin, { durationSeconds: 2 });
    const size = (r: { width: number; height: number }) => `${r.width}x${r.height}`;
    expect([size(plain.poster), size(plain.thumbnail)]).toEqual(['320x240', '320x240']);
    expect([size(rotated.poster), size(rotated.thumbnail)]).toEqual(['240x320', '240x320']);
    for (const frame of [plain.poster, plain.thumbnail, rotated.poster]) {
      const metadata = await sharp(frame.bytes).metadata();
      expect([frame.contentType, metadata.format]).toEqual(['image/jpeg', 'jpeg']);
      expect(size(metadata)).toBe(size(frame));
    }
    expect([plain.poster.name, plain.thumbnail.name]).toEqual(['full', 'thumbnail']);
  });

  it('takes the first frame of a clip shorter than the poster time, and shrinks the thumbnail', async () => {
    const frames = await videoFrames(file('short.mp4'), bin, { durationSeconds: 0.4 });
    expect([frames.poster.width, frames.poster.height]).toEqual([640, 480]);
    expect([frames.thumbnail.width, frames.thumbnail.height]).toEqual([320, 240]);
  });
});

describe('checkMediaBytes on video', () => {
  it('knows an MP4 by its bytes, and lets it be called QuickTime', async () => {
    const { readFile } = await import('node:fs/promises');
    const head = (await readFile(file('plain.mp4'))).subarray(0, 4100);
    await expect(
      checkMediaBytes({ head, declaredType: 'video/mp4', fileName: 'clip.mp4' }),
    ).resolves.toEqual({ mime: 'video/mp4', kind: 'video' });
    await expect(
      checkMediaBytes({ head, declaredType: 'video/quicktime', fileName: 'clip.mov' }),
    ).resolves.toEqual({ mime: 'video/mp4', kind: 'video' });
  });
});

describe('findMediaBinaries', () => {
  it('finds ffmpeg and ffprobe on PATH, and names what is missing and how to install it', async () => {
    await expect(findMediaBinaries()).resolves.toEqual({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
    const error = await findMediaBinaries({ ffprobe: join(dir, 'no-such-ffprobe') }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MediaToolMissingError);
    expect((error as Error).message).toBe(
      `Video processing needs ffmpeg and ffprobe: ffprobe not found (looked at ${join(dir, 'no-such-ffprobe')}). Install Debian's ffmpeg package (apt-get install ffmpeg, which brings ffprobe too), or set FFMPEG_PATH and FFPROBE_PATH to the programs.`,
    );
  });
});
