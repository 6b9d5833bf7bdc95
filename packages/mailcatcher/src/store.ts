// The caught messages: in memory for the pages and the API, and as .eml files on disk (when a
// folder is given) so they survive a restart of `pnpm dev`. A file's name is its id:
// `<received ms>-<random>.eml`, so the order and the time come back with it.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';

export interface CaughtMessage {
  /** Also the file name, without `.eml`. */
  id: string;
  /** ISO time the catcher received it. */
  receivedAt: string;
  from: string;
  /** The To: addresses. */
  to: string[];
  subject: string;
  text: string;
  /** The HTML body, or null for a plain-text message. */
  html: string | null;
  /** Size of the raw message in bytes. */
  size: number;
}

const FILE = /^(\d{13})-([a-f0-9]{12})\.eml$/;

const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((a) => a.value)
    .flatMap((a) => (a.group ? a.group : [a]))
    .map((a) => a.address ?? '')
    .filter(Boolean);

async function parse(id: string, receivedAt: Date, raw: Buffer): Promise<CaughtMessage> {
  const mail = await simpleParser(raw);
  return {
    id,
    receivedAt: receivedAt.toISOString(),
    from: mail.from?.text ?? '',
    to: addresses(mail.to),
    subject: mail.subject ?? '',
    text: mail.text ?? '',
    html: mail.html || null,
    size: raw.length,
  };
}

export class MessageStore extends EventEmitter<{ message: [CaughtMessage]; cleared: [] }> {
  #messages: CaughtMessage[] = [];
  #lastMs = 0;
  readonly #dir: string | undefined;
  readonly #max: number;

  constructor(options: { dir?: string; maxMessages?: number }) {
    super();
    this.#dir = options.dir;
    this.#max = options.maxMessages ?? 500;
  }

  /** Reads the messages kept on disk by an earlier run. */
  async load(): Promise<void> {
    if (!this.#dir) return;
    await mkdir(this.#dir, { recursive: true });
    const names = (await readdir(this.#dir)).filter((name) => FILE.test(name)).sort();
    for (const name of names.slice(-this.#max)) {
      const [, ms] = FILE.exec(name)!;
      const raw = await readFile(path.join(this.#dir, name));
      this.#messages.push(await parse(name.slice(0, -4), new Date(Number(ms)), raw));
      this.#lastMs = Number(ms);
    }
  }

  /** Keeps a message the SMTP side received; resolves once it is stored (and on disk). */
  async add(raw: Buffer, now = new Date()): Promise<CaughtMessage> {
    // Ids sort in arrival order, on disk too: two messages in one millisecond get two.
    const ms = Math.max(now.getTime(), this.#lastMs + 1);
    this.#lastMs = ms;
    const receivedAt = new Date(ms);
    const id = `${ms}-${randomBytes(6).toString('hex')}`;
    const message = await parse(id, receivedAt, raw);
    if (this.#dir) await writeFile(path.join(this.#dir, `${id}.eml`), raw);
    this.#messages.push(message);
    while (this.#messages.length > this.#max) await this.#remove(this.#messages.shift()!);
    this.emit('message', message);
    return message;
  }

  /** Newest first. */
  list(): CaughtMessage[] {
    return [...this.#messages].reverse();
  }

  get(id: string): CaughtMessage | undefined {
    return this.#messages.find((m) => m.id === id);
  }

  /** The message as it arrived, from disk (null when not kept on disk). */
  async raw(id: string): Promise<Buffer | null> {
    if (!this.#dir || !this.get(id)) return null;
    return readFile(path.join(this.#dir, `${id}.eml`));
  }

  async clear(): Promise<void> {
    const all = this.#messages;
    this.#messages = [];
    for (const message of all) await this.#remove(message);
    this.emit('cleared');
  }

  async #remove(message: CaughtMessage): Promise<void> {
    if (this.#dir) await rm(path.join(this.#dir, `${message.id}.eml`), { force: true });
  }
}
