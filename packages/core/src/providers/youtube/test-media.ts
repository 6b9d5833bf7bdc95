// For the YouTube tests only: files served over HTTP as signed storage URLs serve them (with
// byte ranges, and a record of every GET), and real MP4 clips made with ffmpeg.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PublishMedia } from '../types.ts';

export class MediaHost {
  readonly #files = new Map<string, { body: Buffer; type: string }>();
  /** Each GET: its path and Range header. */
  readonly requests: Array<{ path: string; range: string | undefined }> = [];
  readonly #server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    this.requests.push({ path, range: req.headers.range });
    const file = this.#files.get(path);
    if (!file) return res.writeHead(404).end();
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const body = file.body.subarray(start);
    res.writeHead(start > 0 ? 206 : 200, {
      'content-type': file.type,
      'content-length': body.length,
      ...(start > 0
        ? { 'content-range': `bytes ${start}-${file.body.length - 1}/${file.body.length}` }
        : {}),
    });
    res.end(body);
  });
  #url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  serve(name: string, body: Buffer, type: string): string {
    const path = `/${Math.random().toString(36).slice(2)}/${encodeURIComponent(name)}`;
    this.#files.set(path, { body, type });
    return `${this.#url}${path}`;
  }

  /** A file as the engine hands it to an adapter. */
  media(name: string, body: Buffer, kind: 'image' | 'video', type: string): PublishMedia {
    return {
      assetId: `asset-${name}-${Math.random().toString(36).slice(2)}`,
      kind,
      name,
      url: this.serve(name, body, type),
      contentType: type,
      sizeBytes: body.length,
      width: kind === 'video' ? 640 : 1280,
      height: kind === 'video' ? 360 : 720,
      durationMs: kind === 'video' ? 2000 : null,
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

/** Two seconds of ffmpeg's test pattern, lossless (so it is large: `size` 640x360 ≈ 950 KB). */
export async function makeClip(size: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-youtube-'));
  try {
    const file = join(dir, 'clip.mp4');
    await promisify(execFile)('/usr/bin/ffmpeg', [
      ...['-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`, '-t', '2'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', '-y', file],
    ]);
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
