// Account mail for the web app (sign-up verification, password reset, invitations): one
// mailer per process, and links on the configured PUBLIC_URL. Without PUBLIC_URL (local dev)
// links use the request's own origin; production sets PUBLIC_URL, so a forged Host header can
// never point a reset link elsewhere.
import type { ContextMail } from '@herald/api';
import { createMailer, type Mailer } from '@herald/core/mail';
import { getEnv } from '../env.server.ts';

const cache = globalThis as typeof globalThis & { heraldMailer?: Mailer };

export function getMailer(): Mailer {
  cache.heraldMailer ??= createMailer(getEnv().mail);
  return cache.heraldMailer;
}

export function publicUrl(request: Request): string {
  return getEnv().storage.PUBLIC_URL ?? new URL(request.url).origin;
}

/** What core's account services need to send mail for this request. */
export function accountMail(request: Request): ContextMail {
  return {
    mailer: getMailer(),
    publicUrl: publicUrl(request),
    log: (line) => console.warn(line),
  };
}
