// The only place the sandbox reads process.env. Parsed once at start-up; a bad variable stops
// the process with a message that names it. The sandbox imports no package of ours (it stands
// in for the platforms), so it keeps this small copy of @herald/db/env (docs/decisions/0011).
import { z } from 'zod';
import { TokenTtlInput, tokenTtlFrom } from './settings.ts';

export const SandboxEnv = z.object({
  PORT: z.coerce
    .number('PORT must be a number')
    .int('PORT must be a whole number')
    .min(0)
    .max(65_535, 'PORT must be 0–65535')
    .default(4010),
  HOST: z.string().min(1, 'HOST must not be empty').default('127.0.0.1'),
  /** Where browsers reach the sandbox, when that differs from where it listens (containers). */
  PUBLIC_URL: z.url('PUBLIC_URL must be a URL such as http://localhost:4010').optional(),
  /** Every platform call waits this long first, like a real API's latency. */
  LATENCY_MS: z.coerce.number('LATENCY_MS must be a number').int().min(0).max(60_000).default(0),
  /** Where the sandbox keeps its state between runs (`pnpm dev`: .data/sandbox). Unset: memory only. */
  SANDBOX_STATE_DIR: z.string().min(1, 'SANDBOX_STATE_DIR must not be empty').optional(),
  /**
   * Access-token lifetime: seconds for every platform (`60`), or JSON per platform
   * (`{"x":60,"linkedin":3600}`). Unset: each platform's own.
   */
  SANDBOX_TOKEN_TTL_SECONDS: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      const parsed = TokenTtlInput.safeParse(parseNumberOrJson(raw.trim()));
      if (parsed.success) return tokenTtlFrom(parsed.data);
      ctx.addIssue({
        code: 'custom',
        message: `must be seconds such as 60, or JSON such as {"x":60,"linkedin":3600} (${z.prettifyError(parsed.error).replace(/\s*\n\s*/g, ' ')})`,
      });
      return z.NEVER;
    }),
});
export type SandboxEnv = z.infer<typeof SandboxEnv>;

export function loadSandboxEnv(): SandboxEnv {
  const result = SandboxEnv.safeParse(process.env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    console.error(`Invalid environment:\n${lines.join('\n')}`);
    process.exit(1);
  }
  return result.data;
}

function parseNumberOrJson(raw: string): unknown {
  if (/^\d+$/.test(raw)) return Number(raw);
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
