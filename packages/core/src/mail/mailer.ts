// Sending email over SMTP with nodemailer. A process without SMTP settings gets a mailer that
// skips every message and says so: email is a courtesy beside the in-app notification, so a
// missing mail server never fails the work that wanted to send one.
import { createTransport } from 'nodemailer';
import { isMailConfigured, type MailSettings } from './settings.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type MailOutcome =
  { status: 'sent'; messageId: string } | { status: 'skipped'; reason: string };

export interface Mailer {
  /** False: every message is skipped (no SMTP settings). */
  readonly configured: boolean;
  /** Resolves once the server accepted the message; rejects with a MailError otherwise. */
  send(message: MailMessage, signal?: AbortSignal): Promise<MailOutcome>;
  close(): void;
}

/** Why a message was skipped on a process without SMTP settings. */
export const MAIL_NOT_CONFIGURED =
  'SMTP is not configured on this server (set SMTP_URL, or SMTP_HOST and SMTP_FROM)';

/** The SMTP server refused or could not be reached. The message never holds a password. */
export class MailError extends Error {
  constructor(
    message: string,
    /** nodemailer's code (ECONNECTION, EAUTH, EENVELOPE, ETIMEDOUT, …), when it gave one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

export interface MailerOptions {
  /** Give up on a connection or a silent server after this long; default 30 s. */
  timeoutMs?: number;
}

export function createMailer(settings: MailSettings, options: MailerOptions = {}): Mailer {
  if (!isMailConfigured(settings)) {
    return {
      configured: false,
      send: () => Promise.resolve({ status: 'skipped', reason: MAIL_NOT_CONFIGURED }),
      close: () => {},
    };
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timeouts = {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
  const transport = settings.SMTP_URL
    ? createTransport({ url: settings.SMTP_URL, ...timeouts })
    : createTransport({
        host: settings.SMTP_HOST!,
        port: settings.SMTP_PORT ?? 587,
        // 465 is TLS from the first byte; other ports upgrade with STARTTLS when offered.
        secure: settings.SMTP_PORT === 465,
        ...(settings.SMTP_USER
          ? { auth: { user: settings.SMTP_USER, pass: settings.SMTP_PASSWORD ?? '' } }
          : {}),
        ...timeouts,
      });
  const secrets = [settings.SMTP_PASSWORD, passwordOf(settings.SMTP_URL)].filter((s): s is string =>
    Boolean(s),
  );
  return {
    configured: true,
    async send(message, signal) {
      try {
        const info = await transport.sendMail({
          from: settings.SMTP_FROM!,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          ...(signal ? { signal } : {}),
        });
        return { status: 'sent', messageId: info.messageId };
      } catch (error) {
        throw toMailError(error, secrets);
      }
    },
    close: () => transport.close(),
  };
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

function toMailError(error: unknown, secrets: string[]): MailError {
  const code =
    error && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
      ? error.code
      : undefined;
  let detail = error instanceof Error ? error.message : String(error);
  // Servers echo little, but an SMTP password must never reach a log through an error.
  for (const secret of secrets) detail = detail.split(secret).join('[redacted]');
  return new MailError(`The mail server did not take the message: ${detail}`, code);
}
