// POST /api/cron/tick: for hosts without a long-running worker, an external cron runs the due
// jobs once, within a time budget (docs/decisions/0021). Guarded by X-Cron-Secret; anything
// else gets 401 and nothing runs.
import {
  adapterConfigFromSettings,
  configuredApiVersions,
  createAdapterRegistry,
} from '@herald/core/providers';
import { createTaskList, runDueJobsOnce } from '@herald/core/jobs';
import { createMailer } from '@herald/core/mail';
import pg from 'pg';
import { getEnv } from '../env.server.ts';
import { findMediaBinaries } from '@herald/core/media';
import { db } from '../lib/db.server.ts';
import { getStorage } from '../lib/storage.server.ts';
import { cronSecretMatches } from '../lib/http/cron-secret.server.ts';
import type { Route } from './+types/api.cron.tick';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } });

export function loader() {
  return json(405, { error: 'Use POST.' }, { allow: 'POST' });
}

export async function action({ request }: Route.ActionArgs) {
  const env = getEnv();
  if (request.method !== 'POST') return json(405, { error: 'Use POST.' }, { allow: 'POST' });
  if (!cronSecretMatches(request.headers.get('x-cron-secret'), env.CRON_SECRET)) {
    return json(401, { error: 'A valid X-Cron-Secret header is required.' });
  }
  if (!env.tokenKeys) {
    return json(503, { error: 'TOKEN_ENCRYPTION_KEY is not set, so this server cannot publish.' });
  }
  const storage = getStorage();
  const adapters = adapterConfigFromSettings(env.platforms);
  const pgPool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 6 });
  const mailer = createMailer(env.mail);
  const outcomes: Record<string, number> = {};
  try {
    const result = await runDueJobsOnce({
      db,
      pgPool,
      budgetMs: env.CRON_TICK_BUDGET_MS,
      taskList: createTaskList(
        {
          db,
          sql: pgPool,
          tokenKey: env.tokenKeys,
          mailer,
          ...(env.storage.PUBLIC_URL ? { publicUrl: env.storage.PUBLIC_URL } : {}),
          adapterFor: createAdapterRegistry(adapters),
          apiVersions: configuredApiVersions(adapters),
          ...(storage ? { storage } : {}),
          binaries: () =>
            findMediaBinaries({
              ...(env.FFMPEG_PATH ? { ffmpeg: env.FFMPEG_PATH } : {}),
              ...(env.FFPROBE_PATH ? { ffprobe: env.FFPROBE_PATH } : {}),
            }),
        },
        {
          onPublished: ({ outcome }) => (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1),
        },
      ),
    });
    return json(200, { ...result, outcomes });
  } finally {
    mailer.close();
    await pgPool.end();
  }
}
