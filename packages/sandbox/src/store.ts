// Everything one sandbox instance remembers: what it accepted (posts, and the photo and video
// files it fetched for them), queued faults and chaos, revoked tokens and accounts, settings,
// and each platform's own state. Each startSandbox() gets its own store, so parallel tests do
// not share state. With a state directory (persist.ts) it is saved and loaded whole: every
// value here is structured-clone-able (node:v8 serialize), functions and classes excluded.
import {
  ChaosRequest,
  FaultRequest,
  parseRevokeRequest,
  type Fault,
  type FaultTarget,
  type SandboxPlatform,
} from './faults.ts';
import { SandboxSettings, type SettingsSchema, type SettingsSnapshot } from './settings.ts';
import { tokenOwner } from './tokens.ts';

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

export interface QueuedFault {
  fault: Fault;
  remaining: number;
  /** Only this account's requests take it; undefined: anyone's. */
  account: string | undefined;
}

/** Random faults at a rate. The PRNG's whole state is `state`, so chaos is saved and resumed. */
export interface Chaos {
  rate: number;
  faults: Fault[];
  seed: number;
  /** Mulberry32's state: the seed at first, advanced by every draw. */
  state: number;
}

export interface AccountRevocation {
  platform: SandboxPlatform;
  account: string;
  subcode: number;
  /** Tokens the platform issued to the account after it was revoked: these work. */
  reissued: Set<string>;
}

/** What the page and the control API show of a queued fault. */
export interface QueuedFaultView extends QueuedFault {
  platform: string;
  on: FaultTarget;
}

/** Everything the store holds, as saved to disk (media without their bytes). */
export interface StoreSnapshot {
  nextId: number;
  posts: RecordedPost[];
  media: RecordedMedia[];
  faults: Map<string, QueuedFault[]>;
  chaos: Map<string, Chaos>;
  revokedTokens: Map<string, number>;
  revokedAccounts: Map<string, AccountRevocation>;
  settings: SettingsSnapshot;
  platformState: Map<string, unknown>;
}

/** Where saved media bytes are read from once the store has handed them to disk. */
export type MediaBytesLoader = (media: RecordedMedia) => Buffer | undefined;

interface MediaEntry {
  media: RecordedMedia;
  /** Undefined once saved to disk: read through the loader then, to keep memory small. */
  bytes: Buffer | undefined;
}

export interface SandboxStoreOptions {
  /** Each platform's settings schema (platforms/settings.ts PLATFORM_SETTINGS). */
  settings?: Readonly<Record<string, SettingsSchema>>;
}

export class SandboxStore {
  #posts: RecordedPost[] = [];
  readonly #media = new Map<string, MediaEntry>();
  readonly #faults = new Map<string, QueuedFault[]>();
  readonly #revoked = new Map<string, number>();
  readonly #revokedAccounts = new Map<string, AccountRevocation>();
  readonly #chaos = new Map<string, Chaos>();
  // Seeded from the clock so ids stay unique across restarts of a dev sandbox (the database
  // keeps ids from earlier runs), and stay below 2^53.
  #nextId = Date.now() * 1000;

  readonly #platformState = new Map<string, unknown>();
  /** Keys loaded from disk whose value has not yet been checked against the platform's init. */
  readonly #restoredKeys = new Set<string>();

  readonly settings: SandboxSettings;
  readonly #listeners = new Set<() => void>();
  /** Set while media go to disk: which entries still have to be written. */
  #unsavedMedia: Set<string> | undefined;
  #loadBytes: MediaBytesLoader | undefined;

  constructor(options: SandboxStoreOptions = {}) {
    this.settings = new SandboxSettings(options.settings ?? {}, () => this.markChanged());
  }

  /** Called after anything in the store may have changed (persistence listens). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Says the store may have changed. Store methods call it themselves; the router calls it after
   * each platform request, because platforms change their own state objects in place.
   */
  markChanged(): void {
    for (const listener of this.#listeners) listener();
  }

  /**
   * A platform's own state in this sandbox (Instagram's containers, X's upload sessions, …),
   * made by `init` on first use. Each platform module keys it by its own name. It must be
   * structured-clone-able (plain objects, arrays, Map, Set, Buffer, strings, numbers), because
   * it is saved as it is. A value loaded from disk gets the top-level fields `init` has and it
   * lacks (a platform that grew a field since), and is replaced by `init` if its kind changed.
   */
  platformState<T>(key: string, init: () => T): T {
    if (this.#restoredKeys.delete(key)) {
      this.#platformState.set(key, reconcile(this.#platformState.get(key), init()));
    }
    if (!this.#platformState.has(key)) this.#platformState.set(key, init());
    return this.#platformState.get(key) as T;
  }

  nextNumericId(): string {
    const id = String(++this.#nextId);
    this.markChanged();
    return id;
  }

  recordPost(post: RecordedPost): void {
    this.#posts.push(post);
    this.markChanged();
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
    const key = mediaKey(media.platform, media.id);
    this.#media.set(key, { media: { ...media }, bytes });
    this.#unsavedMedia?.add(key);
    this.markChanged();
  }

  /** Every photo and video kept, oldest first, without their bytes. */
  media(): RecordedMedia[] {
    return [...this.#media.values()].map(({ media }) => ({ ...media }));
  }

  findMedia(platform: SandboxPlatform, id: string): RecordedMedia | undefined {
    const found = this.#media.get(mediaKey(platform, id))?.media;
    return found ? { ...found } : undefined;
  }

  mediaBytes(platform: SandboxPlatform, id: string): Buffer | undefined {
    const entry = this.#media.get(mediaKey(platform, id));
    if (!entry) return undefined;
    return entry.bytes ?? this.#loadBytes?.(entry.media);
  }

  /** Marks media as shown by `postId` (it is no longer unpublished). */
  attachMedia(platform: SandboxPlatform, ids: readonly string[], postId: string): void {
    for (const id of ids) {
      const entry = this.#media.get(mediaKey(platform, id));
      if (entry) entry.media.postId = postId;
    }
    this.markChanged();
  }

  /**
   * From now on media bytes are written to disk by the caller: `unsavedMedia()` lists what to
   * write, `mediaSaved()` says it is written (the store then lets go of the bytes), and bytes
   * no longer in memory are read through `load`.
   */
  keepMediaOnDisk(load: MediaBytesLoader): void {
    this.#loadBytes = load;
    this.#unsavedMedia = new Set(
      [...this.#media].filter(([, entry]) => entry.bytes !== undefined).map(([key]) => key),
    );
  }

  unsavedMedia(): Array<{ media: RecordedMedia; bytes: Buffer }> {
    const out: Array<{ media: RecordedMedia; bytes: Buffer }> = [];
    for (const key of this.#unsavedMedia ?? []) {
      const entry = this.#media.get(key);
      if (entry?.bytes) out.push({ media: { ...entry.media }, bytes: entry.bytes });
    }
    return out;
  }

  /** `bytes` are on disk; forgotten here unless the media was recorded again meanwhile. */
  mediaSaved(media: RecordedMedia, bytes: Buffer): void {
    const key = mediaKey(media.platform, media.id);
    const entry = this.#media.get(key);
    if (entry?.bytes !== bytes) return;
    entry.bytes = undefined;
    this.#unsavedMedia?.delete(key);
  }

  /** Validates like the control API does, so in-process and HTTP callers get the same rules. */
  addFault(input: unknown): void {
    const request = FaultRequest.parse(input);
    const key = `${request.platform}:${request.on}`;
    const queue = this.#faults.get(key) ?? [];
    queue.push({ fault: request.fault, remaining: request.times, account: request.account });
    this.#faults.set(key, queue);
    this.markChanged();
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
      this.markChanged();
      return queued.fault;
    }
    const chaos = this.#chaos.get(`${platform}:${on}`);
    if (!chaos) return undefined;
    this.markChanged();
    if (nextRandom(chaos) >= chaos.rate) return undefined;
    return chaos.faults[Math.floor(nextRandom(chaos) * chaos.faults.length)];
  }

  setChaos(input: unknown): void {
    const request = ChaosRequest.parse(input);
    this.#chaos.set(`${request.platform}:${request.on}`, {
      rate: request.rate,
      faults: request.faults,
      seed: request.seed,
      state: request.seed >>> 0,
    });
    this.markChanged();
  }

  /** Clears queued faults and chaos alike. */
  clearFaults(): void {
    this.#faults.clear();
    this.#chaos.clear();
    this.markChanged();
  }

  /** Queued faults, in the order each platform's requests take them. */
  queuedFaults(): QueuedFaultView[] {
    return [...this.#faults].flatMap(([key, queue]) => {
      const [platform, on] = key.split(':') as [string, FaultTarget];
      return queue.map((q) => ({ ...q, platform, on }));
    });
  }

  chaos(): Array<Omit<Chaos, 'state'> & { platform: string; on: FaultTarget }> {
    return [...this.#chaos].map(([key, { rate, faults, seed }]) => {
      const [platform, on] = key.split(':') as [string, FaultTarget];
      return { platform, on, rate, faults, seed };
    });
  }

  /** `{ token, subcode? }` revokes one token; `{ platform, account, subcode? }` an account's. */
  revokeToken(input: unknown): void {
    const request = parseRevokeRequest(input);
    if (request.kind === 'token') {
      this.#revoked.set(request.token, request.subcode);
    } else {
      this.#revokedAccounts.set(accountKey(request.platform, request.account), {
        platform: request.platform,
        account: request.account,
        subcode: request.subcode,
        reissued: new Set(),
      });
    }
    this.markChanged();
  }

  /**
   * The Graph subcode a revoked token reports, or undefined while it is valid: revoked by
   * itself, or its account revoked (platforms' token checks all come through here).
   */
  revocation(token: string): number | undefined {
    const own = this.#revoked.get(token);
    if (own !== undefined) return own;
    const owner = tokenOwner(token);
    const account = owner && this.#revokedAccounts.get(accountKey(owner.platform, owner.accountId));
    if (!account || account.reissued.has(token)) return undefined;
    return account.subcode;
  }

  /**
   * Platforms call this with each token they issue (OAuth, refresh): if its account was
   * revoked, this token came after and works (the person connected the account again).
   */
  tokenIssued(token: string): string {
    const owner = tokenOwner(token);
    const account = owner && this.#revokedAccounts.get(accountKey(owner.platform, owner.accountId));
    if (account) {
      account.reissued.add(token);
      this.markChanged();
    }
    return token;
  }

  /** Every revoked token and account valid again. */
  clearRevocations(): void {
    this.#revoked.clear();
    this.#revokedAccounts.clear();
    this.markChanged();
  }

  revokedTokens(): Array<{ token: string; subcode: number }> {
    return [...this.#revoked].map(([token, subcode]) => ({ token, subcode }));
  }

  revokedAccounts(): Array<{ platform: SandboxPlatform; account: string; subcode: number }> {
    return [...this.#revokedAccounts.values()].map(({ platform, account, subcode }) => ({
      platform,
      account,
      subcode,
    }));
  }

  /** The store as it is now, for saving; shares its objects, so serialize it at once. */
  snapshot(): StoreSnapshot {
    return {
      nextId: this.#nextId,
      posts: this.#posts,
      media: [...this.#media.values()].map(({ media }) => media),
      faults: this.#faults,
      chaos: this.#chaos,
      revokedTokens: this.#revoked,
      revokedAccounts: this.#revokedAccounts,
      settings: this.settings.snapshot(),
      platformState: this.#platformState,
    };
  }

  /**
   * Takes a saved store back (before the sandbox serves anything). Media bytes are read through
   * `keepMediaOnDisk`'s loader. Answers what could not be taken back, for the log.
   */
  restore(saved: StoreSnapshot): { discarded: string[] } {
    // Never go back on ids: one may have been handed out after the snapshot was written.
    this.#nextId = Math.max(this.#nextId, saved.nextId);
    this.#posts = [...saved.posts];
    this.#media.clear();
    for (const media of saved.media) {
      this.#media.set(mediaKey(media.platform, media.id), { media, bytes: undefined });
    }
    replace(this.#faults, saved.faults);
    replace(this.#chaos, saved.chaos);
    replace(this.#revoked, saved.revokedTokens);
    replace(this.#revokedAccounts, saved.revokedAccounts);
    replace(this.#platformState, saved.platformState);
    this.#restoredKeys.clear();
    for (const key of saved.platformState.keys()) this.#restoredKeys.add(key);
    return this.settings.restore(saved.settings);
  }
}

const mediaKey = (platform: string, id: string) => `${platform}:${id}`;
const accountKey = (platform: string, account: string) => `${platform}:${account}`;

function replace<K, V>(target: Map<K, V>, source: Map<K, V>): void {
  target.clear();
  for (const [key, value] of source) target.set(key, value);
}

/** A loaded platform state, made to fit what the platform's code expects today. */
function reconcile(saved: unknown, fresh: unknown): unknown {
  if (!isObject(saved) || !isObject(fresh)) return typeof saved === typeof fresh ? saved : fresh;
  if (Object.getPrototypeOf(saved) !== Object.getPrototypeOf(fresh)) return fresh;
  if (Object.getPrototypeOf(saved) !== Object.prototype) return saved;
  const merged = saved as Record<string, unknown>;
  for (const [key, value] of Object.entries(fresh)) if (!(key in merged)) merged[key] = value;
  return merged;
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** Mulberry32, one draw: the same seed gives the same faults. */
function nextRandom(chaos: Chaos): number {
  chaos.state = (chaos.state + 0x6d2b79f5) >>> 0;
  let t = chaos.state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
