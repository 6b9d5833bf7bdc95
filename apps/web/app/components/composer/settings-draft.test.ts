import { describe, expect, it } from 'vitest';
import { isoWithOffset, resolveSettings, withValue } from './settings-draft.ts';

const oslo = { timeZone: 'Europe/Oslo' };

describe('isoWithOffset', () => {
  it('writes the wall-clock time with the zone’s offset then', () => {
    expect(isoWithOffset(new Date('2027-01-10T17:00:00Z'), 'Europe/Oslo')).toBe(
      '2027-01-10T18:00:00+01:00',
    );
    expect(isoWithOffset(new Date('2027-07-10T17:00:00Z'), 'Europe/Oslo')).toBe(
      '2027-07-10T19:00:00+02:00',
    );
    expect(isoWithOffset(new Date('2027-07-10T17:00:00Z'), 'America/St_Johns')).toBe(
      '2027-07-10T14:30:00-02:30',
    );
  });
});

describe('resolveSettings', () => {
  it('asks for a TikTok privacy level, never choosing one', () => {
    const none = resolveSettings('tiktok', { values: {} }, oslo);
    expect(none.problem).toMatch(/choose who can see this video/);
    expect(none.storable).toBe(true);
    const chosen = resolveSettings('tiktok', { values: { privacyLevel: 'SELF_ONLY' } }, oslo);
    expect(chosen).toEqual({
      settings: { privacyLevel: 'SELF_ONLY' },
      problem: null,
      storable: true,
    });
  });

  it('holds TikTok to what creator_info offers, and branded content out of private', () => {
    const creator = { privacyLevels: ['FOLLOWER_OF_CREATOR', 'SELF_ONLY'] };
    expect(
      resolveSettings(
        'tiktok',
        { values: { privacyLevel: 'PUBLIC_TO_EVERYONE' } },
        { ...oslo, creator },
      ).problem,
    ).toMatch(/no longer offers that privacy level/);
    expect(
      resolveSettings(
        'tiktok',
        { values: { privacyLevel: 'SELF_ONLY', brandedContent: true } },
        { ...oslo, creator },
      ).problem,
    ).toMatch(/branded content cannot be private/);
  });

  it('says what the platform’s schema refuses, as parseTargetSettings says it', () => {
    const result = resolveSettings('youtube', { values: { title: 'a <b>' } }, oslo);
    expect(result.problem).toBe('YouTube settings: title: the title may not contain < or >.');
    expect(result.storable).toBe(false);
  });

  it('sends Google Business event times in the client’s zone with their offset', () => {
    const draft = {
      values: { topicType: 'EVENT', event: { title: 'Winter sale' } },
      start: { date: '2027-01-10', time: '18:00' },
      end: { date: '2027-01-10', time: '21:30' },
    };
    expect(resolveSettings('google_business', draft, oslo)).toEqual({
      settings: {
        topicType: 'EVENT',
        event: {
          title: 'Winter sale',
          schedule: { startAt: '2027-01-10T18:00:00+01:00', endAt: '2027-01-10T21:30:00+01:00' },
        },
      },
      problem: null,
      storable: true,
    });
    const backwards = resolveSettings(
      'google_business',
      { ...draft, end: { date: '2027-01-10', time: '17:00' } },
      oslo,
    );
    expect(backwards.problem).toMatch(/the end must come after the start/);
  });

  it('asks for the dates of an event before anything else, and drops offer details from an event', () => {
    const result = resolveSettings(
      'google_business',
      { values: { topicType: 'EVENT', offer: { couponCode: 'X' } } },
      oslo,
    );
    expect(result.problem).toBe(
      'Google Business settings: give the start date and time (Europe/Oslo).',
    );
    // A draft keeps what it can: the rest waits as a standard post.
    expect(result.settings).toEqual({});
  });
});

describe('withValue', () => {
  it('leaves out empty values, so absent means the platform’s default', () => {
    expect(withValue({ title: 'x' }, 'title', '')).toEqual({});
    expect(withValue({}, 'tags', [])).toEqual({});
    expect(withValue({}, 'article', { url: undefined })).toEqual({});
    expect(withValue({}, 'privacy', 'unlisted')).toEqual({ privacy: 'unlisted' });
  });
});
