import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MediaRejectedError } from './errors.ts';
import { checkMediaBytes, sniffMediaType } from './sniff.ts';

const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#08f' } })
  .jpeg()
  .toBuffer();
const tiff = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#08f' } })
  .tiff()
  .toBuffer();
const text = Buffer.from('Dear customer, this is a letter and not a picture at all.\n');

async function rejection(o: Parameters<typeof checkMediaBytes>[0]): Promise<MediaRejectedError> {
  const error = await checkMediaBytes(o).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MediaRejectedError);
  return error as MediaRejectedError;
}

describe('sniffMediaType', () => {
  it('names what the bytes are, or null', async () => {
    expect(await sniffMediaType(jpeg)).toEqual({ mime: 'image/jpeg', ext: 'jpg' });
    expect(await sniffMediaType(text)).toBeNull();
  });
});

describe('checkMediaBytes', () => {
  it('accepts bytes that are what they say', async () => {
    const checked = await checkMediaBytes({
      head: jpeg,
      declaredType: 'image/jpeg',
      fileName: 'cat.jpg',
    });
    expect(checked).toEqual({ mime: 'image/jpeg', kind: 'image' });
    // Browsers' other spellings and "no idea" claim nothing false.
    for (const declaredType of ['image/jpg', 'image/pjpeg', '', 'application/octet-stream']) {
      await expect(
        checkMediaBytes({ head: jpeg, declaredType, fileName: 'IMG_0001.JFIF' }),
      ).resolves.toEqual(checked);
    }
  });

  it('calls a text file named .jpg and declared a JPEG mislabelled', async () => {
    const error = await rejection({ head: text, declaredType: 'image/jpeg', fileName: 'cat.jpg' });
    expect(error.reason).toBe('mislabelled');
    expect(error.message).toBe(
      '“cat.jpg” says it is a JPEG image, but its contents are not an image or video Herald can read.',
    );
  });

  it('calls a JPEG declared a PNG mislabelled, saying what it really is', async () => {
    const error = await rejection({ head: jpeg, declaredType: 'image/png', fileName: 'cat.png' });
    expect(error.reason).toBe('mislabelled');
    expect(error.message).toBe('“cat.png” says it is a PNG image but is a JPEG image.');
  });

  it('holds a file name that names another accepted type against the bytes', async () => {
    const error = await rejection({ head: jpeg, declaredType: 'image/jpeg', fileName: 'cat.mp4' });
    expect(error.reason).toBe('mislabelled');
    expect(error.message).toBe('“cat.mp4” is named as an MP4 video but is a JPEG image.');
  });

  it('refuses types Herald does not take, listing the ones it does', async () => {
    const error = await rejection({ head: tiff, declaredType: 'image/tiff', fileName: 'scan.tif' });
    expect(error.reason).toBe('unsupported');
    expect(error.message).toBe(
      '“scan.tif” is a TIFF image. Herald takes JPEG, PNG, WebP or GIF images, or MP4, QuickTime or WebM videos.',
    );
    const unknown = await rejection({
      head: text,
      declaredType: 'text/plain',
      fileName: 'notes.txt',
    });
    expect(unknown.reason).toBe('unsupported');
  });
});
