// What each platform accepts, as data. Checked when a post is scheduled so a person hears
// about a too-long caption now, not at publish time.
import type { Platform } from './platforms.ts';

export interface PlatformRules {
  /** Maximum caption length in characters (X counts weighted characters; see its adapter). */
  maxCaptionLength: number;
}

export const PLATFORM_RULES: Record<Platform, PlatformRules> = {
  facebook: { maxCaptionLength: 63_206 },
  instagram: { maxCaptionLength: 2_200 },
  x: { maxCaptionLength: 280 },
  linkedin: { maxCaptionLength: 3_000 },
  tiktok: { maxCaptionLength: 2_200 },
  youtube: { maxCaptionLength: 5_000 },
  google_business: { maxCaptionLength: 1_500 },
};

/** Problems with a caption for a platform, as sentences; empty when it is fine. */
export function captionProblems(platform: Platform, caption: string): string[] {
  const problems: string[] = [];
  if (caption.trim().length === 0) problems.push('The caption is empty.');
  const limit = PLATFORM_RULES[platform].maxCaptionLength;
  const length = [...caption].length;
  if (length > limit) {
    problems.push(`The caption is ${length} characters; ${platform} allows ${limit}.`);
  }
  return problems;
}
