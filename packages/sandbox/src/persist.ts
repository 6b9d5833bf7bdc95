// Saving the store to a directory and loading it back, so a restarted `pnpm dev` still shows
// what the platforms accepted. One snapshot file (node:v8 serialize, so Map, Set and Buffer
// survive), written whole to a temporary file and renamed over the old one, at most once per
// `delayMs` after a change and once more on close; media bytes as files of their own beside it,
// written once each. A snapshot that cannot be read is set aside and the sandbox starts empty.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { z } from 'zod';
import { Fault } from './faults.ts';
import type { RecordedMedia, SandboxStore, StoreSnapshot } from './store.ts';

export const SNAPSHOT_FILE = 'state.v8';
const FORMAT = 'herald-sandbox-state';
/** Bump when the store's snapshot changes shape in a way older files cannot be read as. */
const VERSION = 1;

/** What one write put on disk, for the `onWrite` hook (tests count writes with it). */
export interface StateWrite {
  snapshotBytes: number;
  mediaFiles: number;
}

export interface StatePersistenceOptions {
  dir: string;
  /** A write happens at most once per this many ms after a change (and on close). */
  delayMs: number;
  /** What was loaded. */
  log: (line: string) => void;
  /** What went wrong: a snapshot that could not be read, missing files, a failed write. */
  warn: (line: string) => void;
  onWrite?: (write: StateWrite) => void;
}

const Media = z.looseObject({
  platform: z.string(),
  accountId: z.string(),
  id: z.string(),
  kind: z.enum(['image', 'video']),
  contentType: z.string(),
  sizeBytes: z.number(),
  postId: z.string().nullable(),
  createdAt: z.string(),
});

const Post = z.looseObject({
  platform: z.string(),
  accountId: z.string(),
  id: z.string(),
  message: z.string(),
  media: z.array(z.looseObject({ id: z.string(), kind: z.enum(['image', 'video']) })).optional(),
  createdAt: z.string(),
});

const Envelope = z.object({ format: z.literal(FORMAT), version: z.number() });

// Checked whole before anything is taken back, so a damaged file never half-loads.
const Snapshot = Envelope.extend({
  store: z.object({
    nextId: z.number(),
    posts: z.array(Post),
    media: z.array(Media),
    faults: z.map(
      z.string(),
      z.array(
        z.object({
          fault: Fault,
          remaining: z.int().min(1),
          account: z.string().optional(),
        }),
      ),
    ),
    chaos: z.map(
      z.string(),
      z.object({ rate: z.number(), faults: z.array(Fault), seed: z.number(), state: z.number() }),
    ),
    revokedTokens: z.map(z.string(), z.number()),
    revokedAccounts: z.map(
      z.string(),
      z.object({
        platform: z.string(),
        account: z.string(),
        subcode: z.number(),
        reissued: z.set(z.string()),
      }),
    ),
    settings: z.object({
      platforms: z.record(z.string(), z.record(z.string(), z.unknown())),
      accessTokenTtlSeconds: z.record(z.string(), z.unknown()),
    }),
    platformState: z.map(z.string(), z.unknown()),
  }),
});

export class StatePersistence {
  readonly #store: SandboxStore;
  readonly #options: StatePersistenceOptions;
  readonly #file: string;
  #dirty = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #writes: Promise<void> = Promise.resolve();
  /** Hash of the last snapshot on disk: a change that changed nothing is not written. */
  #lastHash: string | undefined;
  #lastWarning: string | undefined;

  private constructor(store: SandboxStore, options: StatePersistenceOptions) {
    this.#store = store;
    this.#options = options;
    this.#file = path.join(options.dir, SNAPSHOT_FILE);
  }

  /**
   * Loads the directory's saved state into `store` (an empty store if there is none or it
   * cannot be read) and saves it from then on. Throws only when the directory cannot be made.
   */
  static async open(store: SandboxStore, options: StatePersistenceOptions) {
    try {
      await mkdir(path.join(options.dir, 'media'), { recursive: true });
    } catch (error) {
      throw new Error(
        `cannot use the state directory ${options.dir} (${describe(error)}); fix its permissions or choose another.`,
        { cause: error },
      );
    }
    const persistence = new StatePersistence(store, options);
    await persistence.#load();
    store.keepMediaOnDisk((media) => persistence.#readMedia(media));
    store.onChange(() => persistence.#changed());
    return persistence;
  }

  /** Writes now if anything changed; resolves when it is on disk (or the write failed). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writes = this.#writes.then(() => this.#write());
    return this.#writes;
  }

  /** The last write; later changes are not saved. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => void this.flush(), this.#options.delayMs);
    // A pending save never keeps a process alive on its own; close() writes what is left.
    this.#timer.unref();
  }

  async #load(): Promise<void> {
    const { dir, log, warn } = this.#options;
    let raw: Buffer;
    try {
      raw = await readFile(this.#file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        log(`sandbox: no saved state in ${dir} yet; starting empty`);
        return;
      }
      return this.#setAside(describe(error));
    }
    let saved: z.infer<typeof Snapshot>;
    try {
      const data: unknown = deserialize(raw);
      const envelope = Envelope.safeParse(data);
      if (!envelope.success) return await this.#setAside('it is not a sandbox state file');
      if (envelope.data.version !== VERSION) {
        return await this.#setAside(
          `it is in format ${envelope.data.version}, and this sandbox reads format ${VERSION}`,
        );
      }
      const parsed = Snapshot.safeParse(data);
      if (!parsed.success)
        return await this.#setAside(`it does not hold ${firstIssue(parsed.error)}`);
      saved = parsed.data;
    } catch (error) {
      return this.#setAside(`it does not deserialize (${describe(error)})`);
    }
    // The zod output has the shape StoreSnapshot promises (its platform names are plain strings).
    const { discarded } = this.#store.restore(saved.store as unknown as StoreSnapshot);
    this.#lastHash = hash(raw);
    const missing = saved.store.media.filter((m) => !existsSync(this.#mediaFile(m))).length;
    const { store } = saved;
    log(
      `sandbox: loaded the saved state from ${dir}: ${count(store.posts.length, 'post')}, ` +
        `${count(store.media.length, 'media file')}, ` +
        `${count(store.revokedTokens.size + store.revokedAccounts.size, 'revocation')}, ` +
        `${count([...store.faults.values()].flat().length, 'queued fault')}`,
    );
    if (missing > 0) {
      warn(
        `sandbox: ${count(missing, 'saved media file')} missing from ${dir}/media; their pages show none`,
      );
    }
    for (const what of discarded) {
      warn(
        `sandbox: the saved ${what} no longer fit what this sandbox accepts; using the defaults`,
      );
    }
  }

  /** Keeps an unreadable snapshot for a look, out of the way of the next write. */
  async #setAside(reason: string): Promise<void> {
    const aside = `${this.#file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const kept = await rename(this.#file, aside).then(
      () => ` (kept as ${aside})`,
      () => '',
    );
    this.#options.warn(
      `sandbox: could not read the saved state ${this.#file}: ${reason}. Starting empty${kept}.`,
    );
  }

  async #write(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    let snapshot: Buffer;
    let media: ReturnType<SandboxStore['unsavedMedia']>;
    try {
      // Serialized at once, so the file is the store at one moment, whatever comes in meanwhile.
      media = this.#store.unsavedMedia();
      snapshot = serialize({ format: FORMAT, version: VERSION, store: this.#store.snapshot() });
    } catch (error) {
      // A platform kept something v8 cannot copy (a function, say): nothing is saved until it
      // is gone, and the sandbox goes on serving.
      this.#dirty = true;
      return this.#warnOnce(
        `sandbox: could not save the state: it holds a value that cannot be saved (${describe(error)}); platform state must be plain data, Map, Set or Buffer`,
      );
    }
    const snapshotHash = hash(snapshot);
    try {
      for (const { media: m, bytes } of media) {
        await mkdir(path.dirname(this.#mediaFile(m)), { recursive: true });
        await writeAtomically(this.#mediaFile(m), bytes);
        this.#store.mediaSaved(m, bytes);
      }
      // Media first: the snapshot on disk never names a file that is not there yet.
      if (snapshotHash === this.#lastHash && media.length === 0) return;
      await writeAtomically(this.#file, snapshot);
      this.#lastHash = snapshotHash;
      this.#lastWarning = undefined;
      this.#options.onWrite?.({ snapshotBytes: snapshot.length, mediaFiles: media.length });
    } catch (error) {
      this.#dirty = true;
      this.#warnOnce(
        `sandbox: could not save the state to ${this.#options.dir}: ${describe(error)}`,
      );
    }
  }

  /** The same failure once a second would drown the log: say it again only when it changes. */
  #warnOnce(line: string): void {
    if (line === this.#lastWarning) return;
    this.#lastWarning = line;
    this.#options.warn(line);
  }

  #mediaFile(media: { platform: string; id: string }): string {
    // Ids are the platforms' (URNs with colons, say): base64url makes any of them a file name.
    const name = Buffer.from(media.id).toString('base64url');
    return path.join(this.#options.dir, 'media', media.platform, name);
  }

  #readMedia(media: RecordedMedia): Buffer | undefined {
    try {
      return readFileSync(this.#mediaFile(media));
    } catch {
      return undefined;
    }
  }
}

async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

const hash = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
/** One line for the log: the first problem and where. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return `what it should at ${issue.path.join('.') || 'the top'}: ${issue.message}${more}`;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
