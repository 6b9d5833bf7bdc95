// Starting and stopping a worker pool: what it says in its logs.
import { createTestDatabase, TEST_TOKEN_KEY, type TestDatabase } from '@herald/db/testing';
import { Logger } from 'graphile-worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorker } from './worker.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

it('starts without a crontab warning: its cron items are given, not read from a file', async () => {
  const lines: string[] = [];
  const logger = new Logger(() => (level, message) => lines.push(`${level}: ${message}`));
  const worker = await startWorker({
    databaseUrl: t.url,
    tokenKey: TEST_TOKEN_KEY,
    adapters: { facebook: { baseUrl: 'http://127.0.0.1:9' } },
    concurrency: 1,
    logger,
  });
  await worker.stop();
  // The logger is really Graphile's: it reported the pool stopping.
  expect(lines.some((line) => /graceful shutdown complete/i.test(line))).toBe(true);
  expect(lines.filter((line) => /crontab|cron is disabled/i.test(line))).toEqual([]);
});
