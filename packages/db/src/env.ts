// Parsing an app's environment, once for every app: each app keeps its own zod schema in its
// own env.ts and hands it here. Lives in @herald/db because it is the lowest package the web
// app, the worker and the scripts all import (docs/decisions/0011). Zod only: no Prisma here.
import { z } from 'zod';

export type EnvSource = Record<string, string | undefined>;

/** A bad or missing variable; the message names each one. */
export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

/** "true"/"false" (or 1/0) from the environment; absent means "use the default". */
export const envFlag = (name: string) =>
  z
    .enum(['true', 'false', '1', '0'], { error: `${name} must be true or false` })
    .transform((value) => value === 'true' || value === '1')
    .optional();

/** Parses `source` with `schema`, or throws an EnvError naming every bad variable. */
export function parseEnv<T extends z.ZodType>(
  schema: T,
  source: EnvSource,
  appName: string,
): z.infer<T> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new EnvError(`Invalid environment for ${appName}:\n${lines.join('\n')}`);
}

/** For a process's start-up: like parseEnv, but prints the message and exits instead. */
export function loadEnv<T extends z.ZodType>(
  schema: T,
  source: EnvSource,
  appName: string,
): z.infer<T> {
  try {
    return parseEnv(schema, source, appName);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
