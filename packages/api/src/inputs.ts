// Zod building blocks for procedure inputs: what Postgres cannot store or the queue cannot
// schedule is refused here, at the edge, with a sentence, before any service runs.
import { z } from 'zod';

// NUL cannot be stored in Postgres text; a lone UTF-16 surrogate would be silently replaced.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storable = (value: string) => !value.includes('\u0000') && !LONE_SURROGATE.test(value);

/** A string every text column can store as given. `label` names the field in the message. */
export const safeText = (label: string) =>
  z.string().refine(storable, {
    error: `${label} contains a character that cannot be saved. Remove it and try again.`,
  });

const storableJson = (value: unknown): boolean => {
  if (typeof value === 'string') return storable(value);
  if (Array.isArray(value)) return value.every(storableJson);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).every(([key, item]) => storable(key) && storableJson(item));
  }
  return true;
};

/** A JSON object every text in which Postgres can store (its meaning is the service's to check). */
export const safeJsonObject = (label: string) =>
  z.record(z.string(), z.unknown()).refine(storableJson, {
    error: `${label} contain a character that cannot be saved. Remove it and try again.`,
  });

const EARLIEST = new Date('1970-01-01T00:00:00Z');
const LATEST = new Date('9999-12-31T23:59:59Z');

/**
 * An instant a person may pick. The edge only refuses what no calendar check should see;
 * the scheduling horizon (two years) is the domain's rule, checked by the services.
 */
export const instant = () =>
  z
    .date({ error: 'Pick a valid date and time.' })
    .min(EARLIEST, 'Pick a date after 1970.')
    .max(LATEST, 'Pick a date before the year 10000.');
