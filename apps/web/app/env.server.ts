// The only place the web app reads process.env. Parsed once at start-up (entry.server.tsx);
// a missing or bad variable stops the server with a message that names it.
import { z } from 'zod';

/** "true"/"false" (or 1/0) from the environment; absent means "use the default". */
const flag = (name: string) =>
  z
    .enum(['true', 'false', '1', '0'], { error: `${name} must be true or false` })
    .transform((value) => value === 'true' || value === '1')
    .optional();

export const WebEnv = z.object({
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is required (postgresql://…)' })
    .min(1, 'DATABASE_URL is required (postgresql://…)'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Defaults to true in production: the cookie then only travels over HTTPS. */
  SESSION_COOKIE_SECURE: flag('SESSION_COOKIE_SECURE'),
  /** Defaults to true outside production, where the demo agency is seeded. */
  SHOW_DEMO_LOGIN: flag('SHOW_DEMO_LOGIN'),
  /** True behind a proxy that sets X-Forwarded-Proto/-Host/-For (TLS-terminating ingress). */
  TRUST_PROXY: flag('TRUST_PROXY'),
});

export interface ServerEnv {
  DATABASE_URL: string;
  NODE_ENV: 'development' | 'production' | 'test';
  SESSION_COOKIE_SECURE: boolean;
  SHOW_DEMO_LOGIN: boolean;
  TRUST_PROXY: boolean;
}

export function parseWebEnv(source: Record<string, string | undefined>): ServerEnv {
  const result = WebEnv.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment for the web app:\n${lines.join('\n')}`);
  }
  const production = result.data.NODE_ENV === 'production';
  return {
    DATABASE_URL: result.data.DATABASE_URL,
    NODE_ENV: result.data.NODE_ENV,
    SESSION_COOKIE_SECURE: result.data.SESSION_COOKIE_SECURE ?? production,
    SHOW_DEMO_LOGIN: result.data.SHOW_DEMO_LOGIN ?? !production,
    TRUST_PROXY: result.data.TRUST_PROXY ?? false,
  };
}

let parsed: ServerEnv | undefined;

/** Parsed on first use, so tools can import WebEnv without a complete environment. */
export function getEnv(): ServerEnv {
  return (parsed ??= parseWebEnv(process.env));
}
