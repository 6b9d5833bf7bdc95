// Image processing throughput and memory: N 12-megapixel photos through renderImage (probe,
// one decode, every rendition of IMAGE_RENDITIONS) and, in the same run, through a bare sharp
// pipeline making the same renditions straight from the JPEG (same specs and JPEG settings, no
// probing, one decode per rendition, as sharp's clone() would). Images go one after another,
// as one worker slot would take them.
//
//   pnpm tsx bench/media.ts [images=24] [renderConcurrency=DEFAULT_RENDER_CONCURRENCY] [vipsThreads=sharp's default]
//
// The photos are made by a child process first (noise, blurred: about 3 MB each, like a phone's),
// so that making them leaves nothing in this process's memory but the JPEGs themselves.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The root lists the same pinned sharp as @herald/core (one copy in the store, one libvips).
import sharp from 'sharp';
import { IMAGE_RENDITIONS } from '../packages/core/src/domain/media-files.ts';
import {
  DEFAULT_RENDER_CONCURRENCY,
  RENDITION_JPEG,
  renderImage,
} from '../packages/core/src/media/image.ts';

const WIDTH = 4000;
const HEIGHT = 3000;

/** The child's part: `count` different noisy 4000 × 3000 JPEGs (quality 90) into `dir`. */
async function makePhotos(dir: string, count: number) {
  const margin = 400;
  const raw = { width: WIDTH + margin, height: HEIGHT + margin, channels: 3 as const };
  const noise = { type: 'gaussian' as const, mean: 128, sigma: 40 };
  const base = await sharp({ create: { ...raw, background: '#808080', noise } })
    .blur(1.2)
    .raw()
    .toBuffer();
  for (let i = 0; i < count; i += 1) {
    const photo = await sharp(base, { raw })
      .extract({ left: (i * 37) % margin, top: (i * 23) % margin, width: WIDTH, height: HEIGHT })
      .jpeg({ quality: 90 })
      .toBuffer();
    writeFileSync(join(dir, `photo-${String(i).padStart(3, '0')}.jpg`), photo);
  }
}

if (process.argv[2] === '--make') {
  await makePhotos(process.argv[3]!, Number(process.argv[4]));
  process.exit(0);
}

const [images = 24, renderConcurrency = DEFAULT_RENDER_CONCURRENCY, vipsThreads] = process.argv
  .slice(2)
  .map((arg) => Number(arg));
if (vipsThreads) sharp.concurrency(vipsThreads);

const dir = mkdtempSync(join(tmpdir(), 'herald-bench-media-'));
execFileSync(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(import.meta.url), '--make', dir, String(images)],
  { stdio: 'inherit' },
);
const photos = readdirSync(dir)
  .sort()
  .map((name) => readFileSync(join(dir, name)));
rmSync(dir, { recursive: true, force: true });
const megabytes = (bytes: number) => bytes / (1024 * 1024);
const averageMb = megabytes(photos.reduce((sum, p) => sum + p.length, 0) / photos.length);

/** The same renditions with nothing of ours around them. */
function bare(input: Buffer) {
  return Promise.all(
    IMAGE_RENDITIONS.map((spec) =>
      sharp(input, { autoOrient: true })
        .resize(
          spec.width,
          spec.height,
          spec.fit === 'cover'
            ? { fit: 'cover', position: 'attention' }
            : { fit: 'inside', withoutEnlargement: true },
        )
        .flatten({ background: '#ffffff' })
        .jpeg(RENDITION_JPEG)
        .toBuffer(),
    ),
  );
}

/**
 * Images per second, CPU seconds per image (user + system, all threads: steadier than the
 * wall clock on a shared machine) and the peak RSS (sampled every 20 ms) while `work` runs
 * over every photo.
 */
async function measure(work: (photo: Buffer) => Promise<unknown>) {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const photo of photos) await work(photo);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return {
    perSecond: photos.length / seconds,
    cpuPerImage: (used.user + used.system) / 1e6 / photos.length,
    peakMb: megabytes(peak),
  };
}

const rssBefore = megabytes(process.memoryUsage().rss);
// Ours first, so its peak is not the bare pipeline's leftovers.
const ours = await measure((photo) => renderImage(photo, { concurrency: renderConcurrency }));
const plain = await measure(bare);

console.log(
  [
    `${images} photos, ${WIDTH} × ${HEIGHT}, ${averageMb.toFixed(1)} MB each; ${IMAGE_RENDITIONS.length} renditions each; ` +
      `renderImage concurrency ${renderConcurrency}, libvips threads ${sharp.concurrency()}, ` +
      `RSS before ${rssBefore.toFixed(0)} MB`,
    `renderImage   ${ours.perSecond.toFixed(2)} images/s  ${ours.cpuPerImage.toFixed(2)} CPU s/image  peak RSS ${ours.peakMb.toFixed(0)} MB`,
    `bare sharp    ${plain.perSecond.toFixed(2)} images/s  ${plain.cpuPerImage.toFixed(2)} CPU s/image  peak RSS ${plain.peakMb.toFixed(0)} MB (after renderImage's run)`,
    `ratio ${(ours.perSecond / plain.perSecond).toFixed(2)} (goal >= 0.8); ` +
      `peak RSS ${ours.peakMb.toFixed(0)} MB (goal < 512 MB)`,
  ].join('\n'),
);
