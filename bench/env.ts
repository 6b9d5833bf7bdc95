// The only place the benchmarks read process.env.
import { loadEnv } from '@herald/db/env';
import { z } from 'zod';

const BenchEnv = z.object({
  /** A Postgres server the benchmarks create scratch databases on. */
  DATABASE_URL: z.string().min(1).default('postgresql://postgres@127.0.0.1:5432/postgres'),
});

export const loadBenchEnv = () => loadEnv(BenchEnv, process.env, 'the benchmark');

/** What child processes (the sandbox, workers) inherit. */
export const inheritedEnv = (): NodeJS.ProcessEnv => ({ ...process.env });
