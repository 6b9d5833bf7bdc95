// Everything one sandbox instance remembers, in memory: what it accepted (posts, and the photo
// and video files it fetched for them), queued faults and revoked tokens. Each startSandbox() gets its own store, so parallel tests do not share state.
import {
  ChaosRequest,
  FaultRequest,
  RevokeRequest,
  type Fault,
  type FaultTarget,
  type SandboxPlatform,
} from './faults.ts';

export interface RecordedPost {
  platform: SandboxPlatform;
  /** The platform's account id (Facebook: the Page id). */
  accountId: string;
  /** The id the platform returned (Facebook: `<pageId>_<postId>`). */
  id: string;
  message: string;
  link?: string;
  /** A video's title. */
  title?: string;
  /** The photos or the video the post shows, in order (ids of RecordedMedia). */
  media?: PostMedia[];
  /** ISO 8601. */
  createdAt: string;
}

export interface PostMedia {
  id: string;
  kind: 'image' | 'video';
}

/** A photo or video the platform fetched and kept; its bytes are served at its media URL. */
export interface RecordedMedia {
  platform: SandboxPlatform;
  accountId: string;
  id: string;
  kind: 'image' | 'video';
  contentType: string;
  sizeBytes: number;
  /** The post showing it; null while it is unpublished (a photo waiting for attached_media). */
  postId: string | null;
  /** ISO 8601. */
  createdAt: string;
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
  /** Only this account's requests take it; undefined: anyone's. */
  account: string | undefined;
}

export class SandboxStore {
  readonly #posts: RecordedPost[] = [];
  readonly #media = new Map<string, { media: RecordedMedia; bytes: Buffer }>();
  readonly #faults = new Map<string, QueuedFault[]>();
  readonly #revoked = new Map<string, number>();
  readonly #chaos = new Map<string, { rate: number; faults: Fault[]; random: () => number }>();
  // Seeded from the clock so ids stay unique across restarts of a dev sandbox (the database
  // keeps ids from earlier runs), and stay below 2^53.
  #nextId = Date.now() * 1000;

  readonly #platformState = new Map<string, unknown>();

  /**
   * A platform's own state in this sandbox (Instagram's containers, X's upload sessions, …),
   * made by `init` on first use. Each platform module keys it by its own name.
   */
  platformState<T>(key: string, init: () => T): T {
    if (!this.#platformState.has(key)) this.#platformState.set(key, init());
    return this.#platformState.get(key) as T;
  }

  nextNumericId(): string {
    return String(++this.#nextId);
  }

  recordPost(post: RecordedPost): void {
    this.#posts.push(post);
  }

  posts(): RecordedPost[] {
    return this.#posts.map((p) => ({
      ...p,
      ...(p.media ? { media: p.media.map((m) => ({ ...m })) } : {}),
    }));
  }

  findPost(platform: SandboxPlatform, id: string): RecordedPost | undefined {
    return this.#posts.find((p) => p.platform === platform && p.id === id);
  }

  recordMedia(media: RecordedMedia, bytes: Buffer): void {
    this.#media.set(`${media.platform}:${media.id}`, { media: { ...media }, bytes });
  }

  /** Every photo and video kept, oldest first, without their bytes. */
  media(): RecordedMedia[] {
    return [...this.#media.values()].map(({ media }) => ({ ...media }));
  }

  findMedia(platform: SandboxPlatform, id: string): RecordedMedia | undefined {
    const found = this.#media.get(`${platform}:${id}`)?.media;
    return found ? { ...found } : undefined;
  }

  mediaBytes(platform: SandboxPlatform, id: string): Buffer | undefined {
    return this.#media.get(`${platform}:${id}`)?.bytes;
  }

  /** Marks media as shown by `postId` (it is no longer unpublished). */
  attachMedia(platform: SandboxPlatform, ids: readonly string[], postId: string): void {
    for (const id of ids) {
      const entry = this.#media.get(`${platform}:${id}`);
      if (entry) entry.media.postId = postId;
    }
  }

  /** Validates like the control API does, so in-process and HTTP callers get the same rules. */
  addFault(input: unknown): void {
    const request = FaultRequest.parse(input);
    const key = `${request.platform}:${request.on}`;
    const queue = this.#faults.get(key) ?? [];
    queue.push({ fault: request.fault, remaining: request.times, account: request.account });
    this.#faults.set(key, queue);
  }

  /**
   * The fault for the next request of this kind, if any: queued ones (FIFO, skipping those
   * meant for another account), then chaos. `account` is the platform's id for the account
   * the request acts for, where the platform knows it at that point.
   */
  takeFault(platform: SandboxPlatform, on: FaultTarget, account?: string): Fault | undefined {
    const queue = this.#faults.get(`${platform}:${on}`) ?? [];
    const index = queue.findIndex((q) => q.account === undefined || q.account === account);
    const queued = queue[index];
    if (queued) {
      if (--queued.remaining === 0) queue.splice(index, 1);
      return queued.fault;
    }
    const chaos = this.#chaos.get(`${platform}:${on}`);
    if (!chaos || chaos.random() >= chaos.rate) return undefined;
    return chaos.faults[Math.floor(chaos.random() * chaos.faults.length)];
  }

  setChaos(input: unknown): void {
    const request = ChaosRequest.parse(input);
    this.#chaos.set(`${request.platform}:${request.on}`, {
      rate: request.rate,
      faults: request.faults,
      random: mulberry32(request.seed),
    });
  }

  /** Clears queued faults and chaos alike. */
  clearFaults(): void {
    this.#faults.clear();
    this.#chaos.clear();
  }

  revokeToken(input: unknown): void {
    const { token, subcode } = RevokeRequest.parse(input);
    this.#revoked.set(token, subcode);
  }

  /** The Graph subcode a revoked token reports, or undefined while it is valid. */
  revocation(token: string): number | undefined {
    return this.#revoked.get(token);
  }
}

/** A small seeded PRNG (Mulberry32): the same seed gives the same faults. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
