// The cron endpoint's guard: the X-Cron-Secret header against CRON_SECRET, compared in
// constant time (both are hashed first, so neither their contents nor their lengths leak
// through timing). No configured secret means no caller is ever let in.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function cronSecretMatches(given: string | null, configured: string | undefined): boolean {
  if (!configured || given === null) return false;
  return timingSafeEqual(digest(given), digest(configured));
}
