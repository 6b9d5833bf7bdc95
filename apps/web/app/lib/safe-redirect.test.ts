import { describe, expect, it } from 'vitest';
import { safeRedirect } from './safe-redirect.ts';

describe('safeRedirect', () => {
  it('keeps paths on this site', () => {
    expect(safeRedirect('/clients/abc?tab=posts#top')).toBe('/clients/abc?tab=posts#top');
    expect(safeRedirect('/')).toBe('/');
  });

  it('falls back for anything that could leave the site', () => {
    for (const to of [
      'https://evil.test',
      '//evil.test',
      '/\\evil.test',
      '\\\\evil.test',
      'javascript:alert(1)',
      '/\tevil',
      'clients',
      '',
      null,
      undefined,
      42,
    ]) {
      expect(safeRedirect(to, '/home')).toBe('/home');
    }
  });
});
