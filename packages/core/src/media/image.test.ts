import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { IMAGE_RENDITIONS } from '../domain/media-files.ts';
import { MediaRejectedError } from './errors.ts';
import { exifHasGps, probeImage, renderImage } from './image.ts';

const solid = (width: number, height: number, rgb: [number, number, number]) =>
  sharp({
    create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } },
  });

/** The pixel at (x, y) of an encoded image. */
async function pixel(bytes: Buffer, x: number, y: number): Promise<number[]> {
  const raw = await sharp(bytes).extract({ left: x, top: y, width: 1, height: 1 }).raw().toBuffer();
  return [...raw];
}

const near = (actual: number[], expected: number[], tolerance = 6) =>
  expect(
    actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance),
    actual.join(', '),
  ).toBe(true);

async function rejection(promise: Promise<unknown>): Promise<MediaRejectedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MediaRejectedError);
  return error as MediaRejectedError;
}

/** A PNG whose header claims width × height but whose pixel data is a few garbage bytes. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, not interlaced
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('renderImage', () => {
  it('makes every rendition at its size, as progressive JPEG', async () => {
    const input = await solid(3000, 1000, [40, 120, 200]).jpeg().toBuffer();
    const renditions = await renderImage(input);
    expect(renditions.map((r) => r.name)).toEqual(IMAGE_RENDITIONS.map((s) => s.name));
    const sizes = Object.fromEntries(renditions.map((r) => [r.name, `${r.width}x${r.height}`]));
    expect(sizes).toEqual({
      full: '2048x683', // inside 2048 × 2048
      square: '1080x1080',
      portrait: '1080x1350',
      landscape: '1200x630',
      link: '1200x627',
      story: '1080x1920',
      wide: '1280x720',
      thumbnail: '320x107',
    });
    for (const rendition of renditions) {
      const metadata = await sharp(rendition.bytes).metadata();
      expect(rendition.contentType).toBe('image/jpeg');
      expect(metadata.format).toBe('jpeg');
      expect(metadata.isProgressive).toBe(true);
      expect(`${metadata.width}x${metadata.height}`).toBe(sizes[rendition.name]);
    }
  });

  it('never enlarges an inside fit; cover fills its box even from a small image', async () => {
    const input = await solid(400, 300, [0, 0, 0]).png().toBuffer();
    const renditions = await renderImage(input, {
      specs: [
        { name: 'full', width: 2048, height: 2048, fit: 'inside' },
        { name: 'square', width: 1080, height: 1080, fit: 'cover' },
      ],
    });
    expect(renditions.map((r) => [r.name, r.width, r.height])).toEqual([
      ['full', 400, 300],
      ['square', 1080, 1080],
    ]);
  });

  it('turns the pixels as EXIF orientation says, and keeps no EXIF, GPS, XMP or IPTC', async () => {
    // 600 × 400, left half red, right half blue; orientation 6 shows it turned clockwise, so
    // the red half is on top and the picture is portrait.
    const halves = await solid(600, 400, [0, 0, 255])
      .composite([{ input: await solid(300, 400, [255, 0, 0]).png().toBuffer(), left: 0, top: 0 }])
      .png()
      .toBuffer();
    const input = await sharp(halves)
      .jpeg()
      .withExif({
        IFD0: { Copyright: 'Jo Photographer' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' },
      })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>')
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const before = await probeImage(input);
    expect(before).toMatchObject({ width: 600, height: 400, orientation: 6, hasGps: true });
    expect([before.orientedWidth, before.orientedHeight]).toEqual([400, 600]);
    expect((await sharp(input).metadata()).xmp).toBeDefined();

    const renditions = await renderImage(input);
    const full = renditions.find((r) => r.name === 'full')!;
    expect([full.width, full.height]).toEqual([400, 600]);
    near(await pixel(full.bytes, 200, 10), [255, 0, 0], 20);
    near(await pixel(full.bytes, 200, 590), [0, 0, 255], 20);

    for (const rendition of renditions) {
      const metadata = await sharp(rendition.bytes).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
      expect(metadata.iptc).toBeUndefined();
      expect(metadata.orientation).toBeUndefined();
      const after = await probeImage(rendition.bytes);
      expect(after.hasGps).toBe(false);
      expect(after.orientation).toBeNull();
    }
  });

  it('converts Display P3 to sRGB values (not just relabelled)', async () => {
    const input = await solid(200, 100, [255, 0, 0]).withIccProfile('p3').jpeg().toBuffer();
    // Stored as P3 numbers: the same red is far from (255, 0, 0) when read without its profile.
    const stored = [...(await sharp(input, { ignoreIcc: true }).raw().toBuffer()).subarray(0, 3)];
    expect(stored[1]! + stored[2]!).toBeGreaterThan(40);
    const [full] = await renderImage(input, { specs: IMAGE_RENDITIONS.slice(0, 1) });
    const metadata = await sharp(full!.bytes).metadata();
    expect(metadata.space).toBe('srgb');
    expect(metadata.hasProfile).toBe(false);
    near(await pixel(full!.bytes, 100, 50), [255, 0, 0], 8);
  });

  it('converts CMYK to three-channel sRGB', async () => {
    const input = await solid(200, 100, [255, 0, 0]).withIccProfile('cmyk').jpeg().toBuffer();
    expect((await probeImage(input)).space).toBe('cmyk');
    const renditions = await renderImage(input, { specs: IMAGE_RENDITIONS.slice(0, 2) });
    for (const rendition of renditions) {
      const metadata = await sharp(rendition.bytes).metadata();
      expect([metadata.space, metadata.channels]).toEqual(['srgb', 3]);
    }
    const [r, g, b] = await pixel(renditions[0]!.bytes, 100, 50);
    expect(r).toBeGreaterThan(200);
    expect(Math.max(g!, b!)).toBeLessThan(80);
  });

  it('flattens transparency onto white', async () => {
    const input = await sharp({
      create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    expect((await probeImage(input)).hasAlpha).toBe(true);
    for (const rendition of await renderImage(input, { specs: IMAGE_RENDITIONS.slice(0, 2) })) {
      const metadata = await sharp(rendition.bytes).metadata();
      expect(metadata.hasAlpha).toBe(false);
      near(await pixel(rendition.bytes, 5, 5), [255, 255, 255]);
    }
  });

  it('refuses a decompression bomb from its header, before decoding a pixel', async () => {
    const bomb = pngClaiming(30_000, 30_000);
    expect(bomb.length).toBeLessThan(200);
    // Its pixel data is garbage: a decode would fail as "corrupt", so "too_many_pixels" proves
    // the refusal came from the header alone.
    const started = performance.now();
    for (const attempt of [() => probeImage(bomb), () => renderImage(bomb)]) {
      const error = await rejection(attempt());
      expect(error.reason).toBe('too_many_pixels');
      expect(error.message).toBe(
        'This image is 30,000 × 30,000 pixels (900 megapixels); Herald takes images up to 100 megapixels. Scale it down and upload it again.',
      );
    }
    expect(performance.now() - started).toBeLessThan(2_000);
    const small = await rejection(probeImage(pngClaiming(600, 400), { maxPixels: 100_000 }));
    expect(small.reason).toBe('too_many_pixels');
  });

  it('refuses a truncated JPEG with a sentence, from probe and render', async () => {
    const whole = await solid(600, 400, [10, 200, 30]).jpeg().toBuffer();
    const cut = whole.subarray(0, Math.floor(whole.length * 0.7));
    // One at a time: a second promise made up front would reject unobserved meanwhile.
    for (const attempt of [() => probeImage(cut), () => renderImage(cut)]) {
      const error = await rejection(attempt());
      expect(error.reason).toBe('corrupt');
      expect(error.message).toBe(
        'This image is incomplete: the file ends before the picture does, which usually means the upload or a copy was cut short. Upload it again.',
      );
    }
    // An embedded thumbnail (EXIF's, here in an APP9 segment) carries its own end marker early
    // in the file: it must not make a cut-short photo look whole.
    const thumbnail = Buffer.from([0xff, 0xd8, 0x00, 0x00, 0xff, 0xd9]);
    const segment = Buffer.concat([
      Buffer.from([0xff, 0xe9, 0x00, thumbnail.length + 2]),
      thumbnail,
    ]);
    const withThumbnail = Buffer.concat([whole.subarray(0, 2), segment, whole.subarray(2)]);
    await expect(probeImage(withThumbnail)).resolves.toMatchObject({ format: 'jpeg' });
    const cutWithThumbnail = withThumbnail.subarray(0, Math.floor(withThumbnail.length * 0.7));
    expect((await rejection(probeImage(cutWithThumbnail))).reason).toBe('corrupt');
  });

  it('refuses what is not an image, and formats Herald does not take', async () => {
    const text = await rejection(renderImage(Buffer.from('just some words, not a picture')));
    expect(text.reason).toBe('unreadable');
    expect(text.message).toMatch(/^This file is not an image Herald can read\./);
    const tiff = await rejection(probeImage(await solid(20, 20, [0, 0, 0]).tiff().toBuffer()));
    expect(tiff.reason).toBe('unsupported');
    expect(tiff.message).toMatch(/^This is TIFF image data, which Herald cannot process\./);
  });
});

describe('exifHasGps', () => {
  it('finds the GPS block in either byte order, and not where there is none', async () => {
    const withGps = await solid(8, 8, [0, 0, 0])
      .jpeg()
      .withExif({ IFD3: { GPSLatitudeRef: 'S' } })
      .toBuffer();
    const withoutGps = await solid(8, 8, [0, 0, 0])
      .jpeg()
      .withExif({ IFD0: { Artist: 'x' } })
      .toBuffer();
    expect(exifHasGps((await sharp(withGps).metadata()).exif)).toBe(true);
    expect(exifHasGps((await sharp(withoutGps).metadata()).exif)).toBe(false);
    // Big-endian ("MM") TIFF header, IFD0 with one entry: GPSInfo → offset 26.
    const motorola = Buffer.from('4d4d002a00000008000188250004000000010000001a00000000', 'hex');
    expect(exifHasGps(motorola)).toBe(true);
    expect(exifHasGps(undefined)).toBe(false);
  });
});
