import { describe, expect, it } from 'vitest';
import { PermanentPublishError } from './errors.ts';
import { createAdapterRegistry } from './registry.ts';

describe('createAdapterRegistry', () => {
  const adapterFor = createAdapterRegistry({
    facebook: { baseUrl: 'http://127.0.0.1:9/facebook' },
  });

  it('returns the Facebook adapter', () => {
    expect(adapterFor('facebook').platform).toBe('facebook');
    expect(adapterFor('facebook')).toBe(adapterFor('facebook'));
  });

  it('refuses, by name, a platform that has no adapter yet', () => {
    expect(() => adapterFor('instagram')).toThrow(PermanentPublishError);
    expect(() => adapterFor('instagram')).toThrow(/Instagram.*no adapter for "instagram"/);
  });

  it('returns the Instagram adapter when it is configured', () => {
    const configured = createAdapterRegistry({
      facebook: { baseUrl: 'http://127.0.0.1:9/facebook' },
      instagram: { baseUrl: 'http://127.0.0.1:9/instagram' },
    });
    expect(configured('instagram').platform).toBe('instagram');
    expect(configured('facebook').platform).toBe('facebook');
  });
});
