import { describe, expect, it } from 'vitest';
import type { PublishMedia } from '../types.ts';
import { localPostBody, wallClock } from './local-post.ts';

const photo: PublishMedia = {
  assetId: 'a1',
  kind: 'image',
  name: 'buns.jpg',
  url: 'https://media.example/signed/buns.jpg?sig=1',
  contentType: 'image/jpeg',
  sizeBytes: 200_000,
  width: 1200,
  height: 900,
  durationMs: null,
};

describe('wallClock', () => {
  it('keeps the date and time as written, whatever the offset', () => {
    expect(wallClock('2026-12-24T19:00:00+01:00')).toEqual({
      date: { year: 2026, month: 12, day: 24 },
      time: { hours: 19, minutes: 0 },
    });
    // Not moved to UTC: 00:30 in New York is still the 1st there.
    expect(wallClock('2027-01-01T00:30:00-05:00')).toEqual({
      date: { year: 2027, month: 1, day: 1 },
      time: { hours: 0, minutes: 30 },
    });
    expect(wallClock('2027-03-05T08:15:45.250Z')).toEqual({
      date: { year: 2027, month: 3, day: 5 },
      time: { hours: 8, minutes: 15, seconds: 45 },
    });
  });

  it('refuses what is not a date and time', () => {
    expect(() => wallClock('next Tuesday')).toThrow(RangeError);
  });
});

describe('localPostBody', () => {
  it('makes a standard post with its button and photo', () => {
    expect(
      localPostBody(
        'Fresh buns',
        { languageCode: 'en', callToAction: { actionType: 'ORDER', url: 'https://nw.example/o' } },
        photo,
      ),
    ).toEqual({
      topicType: 'STANDARD',
      languageCode: 'en',
      summary: 'Fresh buns',
      callToAction: { actionType: 'ORDER', url: 'https://nw.example/o' },
      media: [{ mediaFormat: 'PHOTO', sourceUrl: photo.url }],
    });
  });

  it('sends a CALL button without a url', () => {
    expect(
      localPostBody(
        'Ring us',
        { callToAction: { actionType: 'CALL', url: 'https://x.example' } },
        undefined,
      ).callToAction,
    ).toEqual({ actionType: 'CALL' });
  });

  it('makes an offer with its schedule and terms, and no button of its own', () => {
    const body = localPostBody(
      '',
      {
        topicType: 'OFFER',
        event: {
          title: 'Two for one',
          schedule: { startAt: '2027-01-10T07:00:00+01:00', endAt: '2027-01-31T18:00:00+01:00' },
        },
        offer: { couponCode: 'JAN', termsConditions: 'One per visit.' },
      },
      undefined,
    );
    expect(body).toEqual({
      topicType: 'OFFER',
      event: {
        title: 'Two for one',
        schedule: {
          startDate: { year: 2027, month: 1, day: 10 },
          startTime: { hours: 7, minutes: 0 },
          endDate: { year: 2027, month: 1, day: 31 },
          endTime: { hours: 18, minutes: 0 },
        },
      },
      offer: { couponCode: 'JAN', termsConditions: 'One per visit.' },
    });
  });
});
