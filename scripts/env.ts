// The only place the stack script reads process.env.
import { loadEnv } from '@herald/db/env';
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);

const StackEnv = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  TOKEN_ENCRYPTION_KEY: z.string().min(1).optional(),
  TOKEN_ENCRYPTION_OLD_KEYS: z.string().optional(),
  EMBEDDED_PG_PORT: port(54329),
  WEB_PORT: port(3000),
  SANDBOX_PORT: port(4010),
  /** Point the adapters at the real Graph API (or another sandbox) instead of ours. */
  FACEBOOK_GRAPH_URL: z.url().optional(),
  /** Media: where local files go, the key that signs their URLs, and the web app's address. */
  MEDIA_DIR: z.string().min(1).optional(),
  MEDIA_SIGNING_KEY: z.string().min(32).optional(),
  PUBLIC_URL: z.url().optional(),
  /** The local mail catcher (packages/mailcatcher): its SMTP port and its page. */
  MAILCATCHER_SMTP_PORT: port(1025),
  MAILCATCHER_WEB_PORT: port(1080),
  /** A real mail server instead of the catcher (then the apps get these, not the catcher). */
  SMTP_URL: z.string().min(1).optional(),
  SMTP_HOST: z.string().min(1).optional(),
});

export const loadStackEnv = () => loadEnv(StackEnv, process.env, 'pnpm dev/start');

/** Everything else passes through to the child processes untouched. */
export const inheritedEnv = (): NodeJS.ProcessEnv => ({ ...process.env });
