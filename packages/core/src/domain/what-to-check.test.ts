import { describe, expect, it } from 'vitest';
import { whatToCheck } from './what-to-check.ts';

describe('whatToCheck', () => {
  it("names the account, the platform and the attempt's local time, and both ways out", () => {
    expect(
      whatToCheck({
        platform: 'facebook',
        accountHandle: 'Harbour Café',
        scheduledTimezone: 'America/New_York',
        window: { from: new Date('2030-07-01T18:02:41Z') },
      }),
    ).toBe(
      'Open Harbour Café on Facebook and look for the post around 2030-07-01 14:02 (America/New_York): if it is there, mark it published with its link; if not, retry it.',
    );
  });
});
