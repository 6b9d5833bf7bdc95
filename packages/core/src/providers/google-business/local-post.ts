// The LocalPost Herald sends (My Business v4, accounts.locations.localPosts): the caption as
// `summary`, the post type as `topicType`, a button as `callToAction` (CALL takes no url, and an
// OFFER gets Google's own), an event's or offer's title and schedule as `event`, the offer's
// code, link and terms as `offer`, and the one photo as `media[{mediaFormat: PHOTO, sourceUrl}]`,
// which Google fetches itself. Pure: no I/O.
import type { GoogleBusinessSettings } from '../../domain/target-settings.ts';
import type { PublishMedia } from '../types.ts';

export interface GoogleDate {
  year: number;
  month: number;
  day: number;
}

export interface TimeOfDay {
  hours: number;
  minutes: number;
  seconds?: number;
}

export interface LocalPostBody {
  topicType: 'STANDARD' | 'EVENT' | 'OFFER';
  languageCode?: string;
  summary?: string;
  callToAction?: { actionType: string; url?: string };
  event?: {
    title: string;
    schedule: {
      startDate: GoogleDate;
      startTime: TimeOfDay;
      endDate: GoogleDate;
      endTime: TimeOfDay;
    };
  };
  offer?: { couponCode?: string; redeemOnlineUrl?: string; termsConditions?: string };
  media?: Array<{ mediaFormat: 'PHOTO'; sourceUrl: string }>;
}

const ISO_LOCAL =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * The date and time of day an ISO 8601 timestamp shows on its own clock: the parts as written,
 * never moved to UTC. Google's event schedule has no time zone (it is the location's local
 * time), so "2026-12-24T19:00:00+01:00" is 19:00 on the 24th, where the location is.
 */
export function wallClock(iso: string): { date: GoogleDate; time: TimeOfDay } {
  const match = ISO_LOCAL.exec(iso);
  if (!match) throw new RangeError(`Not an ISO 8601 date and time: ${iso}`);
  const [year, month, day, hours, minutes, seconds] = match.slice(1, 7).map((p) => Number(p ?? 0));
  return {
    date: { year: year!, month: month!, day: day! },
    time: { hours: hours!, minutes: minutes!, ...(seconds ? { seconds } : {}) },
  };
}

export function localPostBody(
  caption: string,
  settings: GoogleBusinessSettings,
  photo: PublishMedia | undefined,
): LocalPostBody {
  const topicType = settings.topicType ?? 'STANDARD';
  const { callToAction, event, offer } = settings;
  let schedule: NonNullable<LocalPostBody['event']>['schedule'] | undefined;
  if (event) {
    const start = wallClock(event.schedule.startAt);
    const end = wallClock(event.schedule.endAt);
    schedule = {
      startDate: start.date,
      startTime: start.time,
      endDate: end.date,
      endTime: end.time,
    };
  }
  return {
    topicType,
    ...(settings.languageCode ? { languageCode: settings.languageCode } : {}),
    ...(caption.trim() ? { summary: caption } : {}),
    ...(callToAction && topicType !== 'OFFER'
      ? {
          callToAction: {
            actionType: callToAction.actionType,
            ...(callToAction.actionType !== 'CALL' && callToAction.url
              ? { url: callToAction.url }
              : {}),
          },
        }
      : {}),
    ...(event && schedule && topicType !== 'STANDARD'
      ? { event: { title: event.title, schedule } }
      : {}),
    ...(offer && topicType === 'OFFER' ? { offer: { ...offer } } : {}),
    ...(photo ? { media: [{ mediaFormat: 'PHOTO' as const, sourceUrl: photo.url }] } : {}),
  };
}
