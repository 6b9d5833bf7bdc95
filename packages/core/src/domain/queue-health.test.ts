import { describe, expect, it } from 'vitest';
import { fillHistory, historyStart, judgeQueueHealth, type QueueCounts } from './queue-health.ts';

const calm: QueueCounts = { pending: 3, overdue: 0, processing: 0, failed: 1, unconfirmed: 0 };

describe('judgeQueueHealth', () => {
  it('is healthy when nothing is overdue or unconfirmed and attempts succeed', () => {
    expect(judgeQueueHealth(calm, { finished: 250, succeeded: 245, averageSeconds: 0.4 })).toEqual({
      status: 'healthy',
      successRate: 0.98,
      jobsPerMinute: 250 / 60,
      reasons: [],
    });
  });

  it('is unhealthy when posts wait past their time, whatever else holds', () => {
    const verdict = judgeQueueHealth(
      { ...calm, overdue: 2, unconfirmed: 1 },
      { finished: 10, succeeded: 10, averageSeconds: 1 },
    );
    expect(verdict.status).toBe('unhealthy');
    expect(verdict.reasons[0]).toBe(
      '2 posts are more than a minute overdue: the workers are not keeping up, or not running.',
    );
    expect(verdict.reasons[1]).toMatch(/^1 post needs a check/);
  });

  it('is degraded by a poor success rate only once there are enough attempts', () => {
    expect(judgeQueueHealth(calm, { finished: 4, succeeded: 1, averageSeconds: 1 }).status).toBe(
      'healthy',
    );
    const verdict = judgeQueueHealth(calm, { finished: 10, succeeded: 8, averageSeconds: 1 });
    expect(verdict.status).toBe('degraded');
    expect(verdict.reasons).toEqual(['Only 80% of publish attempts in the last hour succeeded.']);
  });

  it('has no success rate without attempts', () => {
    const verdict = judgeQueueHealth(calm, { finished: 0, succeeded: 0, averageSeconds: null });
    expect(verdict).toMatchObject({ status: 'healthy', successRate: null, jobsPerMinute: 0 });
  });
});

describe('the hourly history', () => {
  const HOUR = 3_600_000;
  const now = new Date('2030-05-01T12:34:56Z');

  it('starts eleven whole hours before the current hour, so twelve buckets end with now', () => {
    expect(historyStart(now).toISOString()).toBe('2030-05-01T01:00:00.000Z');
  });

  it('fills quiet hours with zeros and counts what did not succeed as failed', () => {
    const eleven = Date.parse('2030-05-01T11:00:00Z');
    const noon = Date.parse('2030-05-01T12:00:00Z');
    const history = fillHistory(
      [
        { startMs: eleven, finished: 4, succeeded: 3, averageSeconds: 2.5 },
        { startMs: noon, finished: 1, succeeded: 1, averageSeconds: 1 },
      ],
      now,
    );
    expect(history).toHaveLength(12);
    expect(history.map((b) => b.start.getTime() - history[0]!.start.getTime())).toEqual(
      Array.from({ length: 12 }, (_, i) => i * HOUR),
    );
    expect(history.at(-2)).toEqual({
      start: new Date(eleven),
      succeeded: 3,
      failed: 1,
      averageSeconds: 2.5,
    });
    expect(history.at(-1)).toMatchObject({ succeeded: 1, failed: 0 });
    expect(history[0]).toEqual({
      start: new Date('2030-05-01T01:00:00Z'),
      succeeded: 0,
      failed: 0,
      averageSeconds: null,
    });
  });
});
