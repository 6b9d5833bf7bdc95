// The composer's per-account platform settings while a person fills them in, and what they
// come to: the settings object sent with the post (domain/target-settings.ts) and the sentence
// to show when they are not right yet. Pure, so the rules are tested without a browser.
import {
  parseTargetSettings,
  PLATFORM_LABELS,
  toZonedLocal,
  type Platform,
  type TikTokSettings,
} from '@herald/core/domain';
import { readZonedInput } from '../../lib/zoned-input.ts';

export interface LocalDateTime {
  date: string;
  time: string;
}

/** One account's settings as the fields hold them. */
export interface SettingsDraft {
  /** The settings under construction, with empty fields left out. */
  values: Record<string, unknown>;
  /** Google Business event and offer dates as typed, in the client's timezone. */
  start?: LocalDateTime;
  end?: LocalDateTime;
}

export const EMPTY_DRAFT: SettingsDraft = { values: {} };

/** Platforms with something to choose beyond the caption and media (Facebook posts only; X none). */
const WITH_SETTINGS: readonly Platform[] = [
  'tiktok',
  'youtube',
  'instagram',
  'linkedin',
  'google_business',
];

export function hasSettings(platform: Platform): boolean {
  return WITH_SETTINGS.includes(platform);
}

/** What TikTok's creator_info says the account may choose (accounts.tiktokCreatorInfo). */
export interface CreatorOptions {
  privacyLevels: string[];
}

export interface ResolvedSettings {
  /** What to send for the account (may be {}). */
  settings: Record<string, unknown>;
  /** The sentence to show beside the fields; scheduling waits until it is gone. */
  problem: string | null;
  /** Whether the settings may be stored on a draft as they are (the platform's schema accepts them). */
  storable: boolean;
}

/** `instant` as ISO 8601 with the offset `timeZone` has then ("2027-03-05T18:00:00+01:00"). */
export function isoWithOffset(instant: Date, timeZone: string): string {
  const local = toZonedLocal(instant, timeZone);
  const seconds = Math.floor(instant.getTime() / 1000) * 1000;
  const offsetMinutes = Math.round((Date.parse(`${local}Z`) - seconds) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

/** A Google Business start or end as typed, as ISO with offset, or why it cannot be read. */
function readMoment(
  value: LocalDateTime | undefined,
  which: 'start' | 'end',
  timeZone: string,
): { iso: string } | { problem: string } {
  const read = readZonedInput(value?.date ?? '', value?.time ?? '', timeZone, 'earlier');
  if (read.kind === 'ok') return { iso: isoWithOffset(read.instant, timeZone) };
  if (read.kind === 'invalid' || read.kind === 'incomplete') {
    return { problem: `Google Business settings: the ${which}: ${read.message}` };
  }
  return { problem: `Google Business settings: give the ${which} date and time (${timeZone}).` };
}

/**
 * The settings to send for one account and the sentence to show, by the platform's schema
 * (parseTargetSettings, which the server applies again) and, for TikTok, its rules for apps:
 * the creator picks the privacy level from what creator_info offers; branded content is never
 * private.
 */
export function resolveSettings(
  platform: Platform,
  draft: SettingsDraft,
  context: { timeZone: string; creator?: CreatorOptions | null },
): ResolvedSettings {
  const values: Record<string, unknown> = { ...draft.values };
  let early: string | null = null;
  if (platform === 'google_business') {
    const topic = values.topicType ?? 'STANDARD';
    if (topic === 'STANDARD') {
      delete values.event;
      delete values.offer;
    } else {
      const event = { ...((values.event as Record<string, unknown> | undefined) ?? {}) };
      const start = readMoment(draft.start, 'start', context.timeZone);
      const end = readMoment(draft.end, 'end', context.timeZone);
      if ('problem' in start) early = start.problem;
      else if ('problem' in end) early = end.problem;
      else event.schedule = { startAt: start.iso, endAt: end.iso };
      values.event = event;
      if (topic !== 'OFFER') delete values.offer;
      else delete values.callToAction;
    }
  }
  const parsed = early ? null : parseTargetSettings(platform, values);
  if (parsed && !parsed.ok) return { settings: values, problem: parsed.problem, storable: false };
  if (early) {
    // What can be stored of a draft without its dates: the topic waits as a standard post.
    const { event: _e, offer: _o, topicType: _t, ...rest } = values;
    const fallback = parseTargetSettings(platform, rest);
    return {
      settings: fallback.ok ? rest : {},
      problem: early,
      storable: fallback.ok,
    };
  }
  const settings = values;
  if (platform === 'tiktok') {
    const tiktok = settings as TikTokSettings;
    const label = PLATFORM_LABELS.tiktok;
    if (!tiktok.privacyLevel) {
      return {
        settings,
        problem: `${label} settings: choose who can see this video; TikTok asks the creator to choose, so Herald does not.`,
        storable: true,
      };
    }
    if (context.creator && !context.creator.privacyLevels.includes(tiktok.privacyLevel)) {
      return {
        settings,
        problem: `${label} settings: this account no longer offers that privacy level; choose another.`,
        storable: true,
      };
    }
    if (tiktok.brandedContent && tiktok.privacyLevel === 'SELF_ONLY') {
      return {
        settings,
        problem: `${label} settings: branded content cannot be private; choose another privacy level, or untick branded content.`,
        storable: true,
      };
    }
  }
  return { settings, problem: null, storable: true };
}

/** `values` with `key` set, or removed when the value is empty (absent means the default). */
export function withValue(
  values: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const next = { ...values };
  const empty =
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.values(value).every((v) => v === undefined));
  if (empty) delete next[key];
  else next[key] = value;
  return next;
}
