import { describe, expect, it } from 'vitest';
import {
  EXPIRY_CHECK_AHEAD_MS,
  REFRESH_AHEAD_MS,
  tokenAction,
  type TokenState,
} from './token-health.ts';

const now = new Date('2030-01-01T12:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const state = (over: Partial<TokenState>): TokenState => ({
  status: 'active',
  expiresAt: at(60 * 60_000),
  refreshable: true,
  now,
  ...over,
});

describe('tokenAction', () => {
  it('sweep: refreshes a refreshable token once it is within the refresh window, not before', () => {
    expect(tokenAction(state({ expiresAt: at(REFRESH_AHEAD_MS + 1) }))).toBe('none');
    expect(tokenAction(state({ expiresAt: at(REFRESH_AHEAD_MS) }))).toBe('refresh');
    // Already expired (a sweep missed it, or the account is held for it): still worth a try.
    expect(tokenAction(state({ expiresAt: at(-1), status: 'needs_action' }))).toBe('refresh');
  });

  it('sweep: never announces anything (the nightly check does, once a day at most)', () => {
    const base = { refreshable: false };
    expect(tokenAction(state({ ...base, expiresAt: at(1_000) }), 'sweep')).toBe('none');
    expect(tokenAction(state({ ...base, expiresAt: at(-1) }), 'sweep')).toBe('none');
  });

  it('nightly: refreshes a refreshable token five days ahead', () => {
    const nightly = (expiresAt: Date) => tokenAction(state({ expiresAt }), 'nightly');
    expect(nightly(at(EXPIRY_CHECK_AHEAD_MS + 1))).toBe('none');
    expect(nightly(at(EXPIRY_CHECK_AHEAD_MS))).toBe('refresh');
    expect(nightly(at(-1))).toBe('refresh');
  });

  it('nightly: announces once a token nobody can refresh, five days ahead, and marks it once run out', () => {
    const base = { refreshable: false };
    const nightly = (over: Partial<TokenState>) =>
      tokenAction(state({ ...base, ...over }), 'nightly');
    expect(nightly({ expiresAt: at(EXPIRY_CHECK_AHEAD_MS + 1) })).toBe('none');
    expect(nightly({ expiresAt: at(EXPIRY_CHECK_AHEAD_MS) })).toBe('warn_expiring');
    expect(nightly({ expiresAt: at(1_000), status: 'expiring' })).toBe('none');
    expect(nightly({ expiresAt: at(0), status: 'expiring' })).toBe('mark_expired');
    expect(nightly({ expiresAt: at(-1), status: 'active' })).toBe('mark_expired');
    expect(nightly({ expiresAt: at(-1), status: 'needs_action' })).toBe('none');
  });

  it('leaves tokens that never expire, and revoked accounts, alone', () => {
    for (const check of ['sweep', 'nightly'] as const) {
      expect(tokenAction(state({ expiresAt: null }), check)).toBe('none');
      expect(tokenAction(state({ status: 'revoked', expiresAt: at(-1) }), check)).toBe('none');
    }
  });
});
