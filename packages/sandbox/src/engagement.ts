// Plausible engagement for a post the sandbox published, the same on every run: each post gets
// its own ceilings from a hash of its platform and id, and its counts climb towards them with
// the minutes since it was created (most in the first hours, a long tail over the week), never
// going down. Every platform's metrics endpoints answer from this, in their own words; the time
// is the sandbox's clock (`SandboxContext.now`), so tests move it instead of waiting.
import { createHash } from 'node:crypto';

export interface Engagement {
  /** Times it was on someone's screen. */
  impressions: number;
  /** People who saw it (at most the impressions). */
  reach: number;
  /** Plays or views (for platforms that count views of any post, the impressions' share). */
  views: number;
  likes: number;
  comments: number;
  shares: number;
}

/** The share of its ceiling a post has reached after `minutes`: 0 at birth, rising to 1. */
export function growth(minutes: number): number {
  const t = Math.max(0, minutes);
  // A fast phase (most of a post's life is its first day) and a slow one (the week's tail).
  return 0.8 * (1 - Math.exp(-t / 360)) + 0.2 * (1 - Math.exp(-t / 7_200));
}

/** The post's engagement at `now`; zero before it was created. */
export function engagementAt(seed: string, createdAt: string | number, now: Date): Engagement {
  const created = typeof createdAt === 'number' ? createdAt : Date.parse(createdAt);
  const g = growth((now.getTime() - created) / 60_000);
  const bytes = createHash('sha256').update(seed).digest();
  // Four bytes per ceiling, as a fraction of 2^32.
  const fraction = (i: number) => bytes.readUInt32BE(i * 4) / 2 ** 32;
  const ceilingImpressions = 400 + Math.floor(fraction(0) * 9_600);
  const at = (ceiling: number) => Math.floor(ceiling * g);
  return {
    impressions: at(ceilingImpressions),
    reach: at(ceilingImpressions * (0.55 + fraction(1) * 0.35)),
    views: at(ceilingImpressions * (0.3 + fraction(2) * 0.5)),
    likes: at(ceilingImpressions * (0.02 + fraction(3) * 0.08)),
    comments: at(ceilingImpressions * (0.002 + fraction(4) * 0.013)),
    shares: at(ceilingImpressions * (0.001 + fraction(5) * 0.009)),
  };
}
