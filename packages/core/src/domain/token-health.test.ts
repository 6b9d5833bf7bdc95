import { describe, expect, it } from 'vitest';
import {
  EXPIRY_WARNING_MS,
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
  it('refreshes a refreshable token once it is within the refresh window, not before', () => {
    expect(tokenAction(state({ expiresAt: at(REFRESH_AHEAD_MS + 1) }))).toBe('none');
    expect(tokenAction(state({ expiresAt: at(REFRESH_AHEAD_MS) }))).toBe('refresh');
    // Already expired (a sweep missed it, or the account is held for it): still worth a try.
    expect(tokenAction(state({ expiresAt: at(-1), status: 'needs_action' }))).toBe('refresh');
  });

  it('warns once about a token nobody can refresh, a week ahead', () => {
    const base = { refreshable: false };
    expect(tokenAction(state({ ...base, expiresAt: at(EXPIRY_WARNING_MS + 1) }))).toBe('none');
    expect(tokenAction(state({ ...base, expiresAt: at(EXPIRY_WARNING_MS) }))).toBe('warn_expiring');
    expect(tokenAction(state({ ...base, expiresAt: at(1_000), status: 'expiring' }))).toBe('none');
    expect(tokenAction(state({ ...base, expiresAt: at(-1), status: 'needs_action' }))).toBe('none');
  });

  it('leaves tokens that never expire, and revoked accounts, alone', () => {
    expect(tokenAction(state({ expiresAt: null }))).toBe('none');
    expect(tokenAction(state({ status: 'revoked', expiresAt: at(-1) }))).toBe('none');
  });
});
