import { describe, expect, it } from 'vitest';
import { checkAdminReason, judgePool } from './admin-queue.ts';

describe('judgePool', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('calls a pool alive while its last beat is younger than the threshold', () => {
    expect(judgePool(ago(29_999), now, 30_000)).toEqual({ liveness: 'alive', beatAgeSeconds: 29 });
  });

  it('calls it stale from the threshold on', () => {
    expect(judgePool(ago(30_000), now, 30_000)).toEqual({ liveness: 'stale', beatAgeSeconds: 30 });
    expect(judgePool(ago(3_600_000), now, 30_000).liveness).toBe('stale');
  });

  it('cannot say without a beat', () => {
    expect(judgePool(null, now, 30_000)).toEqual({ liveness: 'unknown', beatAgeSeconds: null });
  });
});

describe('checkAdminReason', () => {
  it('keeps a reason of a few words, trimmed', () => {
    expect(checkAdminReason('  Platform back up \n')).toEqual({
      ok: true,
      reason: 'Platform back up',
    });
  });

  it('refuses an empty, blank or too short reason with a sentence', () => {
    for (const reason of ['', '    ', ' ok  ', 'abcd']) {
      const verdict = checkAdminReason(reason);
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(verdict.message).toMatch(/^Say why/);
    }
  });

  it('refuses a reason too long for the log', () => {
    expect(checkAdminReason('x'.repeat(501)).ok).toBe(false);
    expect(checkAdminReason('x'.repeat(500)).ok).toBe(true);
  });
});
