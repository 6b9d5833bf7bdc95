// A local mail catcher for development and tests: an SMTP sink (no auth, no TLS, 127.0.0.1)
// that keeps every message it is given — in memory, and as .eml files when a folder is given —
// and a small web page and JSON API to read them. Nothing is ever delivered anywhere.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { MessageStore, type CaughtMessage } from './store.ts';
import { createWebHandler } from './web.ts';

export type { CaughtMessage } from './store.ts';

export interface MailCatcherOptions {
  /** SMTP port; default 1025, 0 picks a free one (tests). */
  smtpPort?: number;
  /** Web page and API port; default 1080, 0 picks a free one. */
  webPort?: number;
  /** Default 127.0.0.1: the catcher has no sign-in, so it stays on this machine. */
  host?: string;
  /** Keep messages here as .eml files, and read them back on start; unset: memory only. */
  dir?: string;
  /** Keep at most this many (the oldest go first); default 500. */
  maxMessages?: number;
  /** Largest message accepted, in bytes; default 25 MB. */
  maxMessageBytes?: number;
}

export interface MailCatcher {
  /** e.g. smtp://127.0.0.1:1025, for SMTP_URL. */
  smtpUrl: string;
  smtpPort: number;
  /** e.g. http://127.0.0.1:1080 */
  webUrl: string;
  /** Newest first. */
  messages(): CaughtMessage[];
  /** The first message (already caught or still to come) that `match` accepts. */
  waitForMessage(
    match: (message: CaughtMessage) => boolean,
    signal?: AbortSignal,
  ): Promise<CaughtMessage>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const store = new MessageStore({
    ...(options.dir ? { dir: options.dir } : {}),
    ...(options.maxMessages ? { maxMessages: options.maxMessages } : {}),
  });
  await store.load();

  const smtp = new SMTPServer({
    // A sink: anyone on this machine may send, in the clear, without signing in.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    banner: 'Herald mail catcher: nothing is delivered',
    size: options.maxMessageBytes ?? 25 * 1024 * 1024,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
          return;
        }
        // "250 OK" only once the message is stored: a sender that got its answer finds it here.
        store.add(Buffer.concat(chunks)).then(
          () => callback(),
          (error: unknown) =>
            callback(
              Object.assign(new Error(`Could not keep the message: ${String(error)}`), {
                responseCode: 451,
              }),
            ),
        );
      });
    },
  });
  smtp.listen(options.smtpPort ?? 1025, host);
  await Promise.race([
    once(smtp.server, 'listening'),
    once(smtp, 'error').then(([e]) => Promise.reject(e as Error)),
  ]);
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const handle = createWebHandler(store);
  const web: Server = createServer((req, res) => void handle(req, res));
  web.listen(options.webPort ?? 1080, host);
  try {
    await Promise.race([
      once(web, 'listening'),
      once(web, 'error').then(([e]) => Promise.reject(e as Error)),
    ]);
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(resolve));
    throw error;
  }
  const webPort = (web.address() as AddressInfo).port;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    smtpPort,
    webUrl: `http://${host}:${webPort}`,
    messages: () => store.list(),
    waitForMessage(match, signal) {
      const found = store.list().find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const onMessage = (message: CaughtMessage) => {
          if (!match(message)) return;
          done();
          resolve(message);
        };
        const onAbort = () => {
          done();
          reject(signal!.reason as Error);
        };
        const done = () => {
          store.off('message', onMessage);
          signal?.removeEventListener('abort', onAbort);
        };
        store.on('message', onMessage);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    clear: () => store.clear(),
    async close() {
      web.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => web.close(() => resolve())),
        new Promise<void>((resolve) => smtp.close(resolve)),
      ]);
    },
  };
}
