// What an adapter gets to publish besides credentials, checked before any platform call: the
// target's settings validated for its platform, the media selected under the rule of the post
// type they chose and signed, and a custom thumbnail (YouTube) signed like the media. Whatever
// is wrong comes back as sentences, and the platform never hears of it.
import { captionProblems } from '../../domain/platform-rules.ts';
import { parseTargetSettings, settingsThumbnailAssetId } from '../../domain/target-settings.ts';
import type { PublishContent } from '../../providers/types.ts';
import { resolvePublishMedia, resolveThumbnail, selectTargetMedia } from '../media/post-media.ts';
import type { Claim } from './begin.ts';
import type { PublishingDeps } from './index.ts';

export type PreparedContent =
  { ok: true; content: PublishContent } | { ok: false; problems: string[] };

export async function preparePublishContent(
  deps: PublishingDeps,
  claim: Claim,
): Promise<PreparedContent> {
  const parsed = parseTargetSettings(claim.platform, claim.settings);
  // Settings stored under older rules that no longer hold: say so, rather than guess.
  if (!parsed.ok) return { ok: false, problems: [parsed.problem] };
  const settings = parsed.settings;
  const target = { ...claim, settings };
  const media = claim.hasMedia
    ? await resolvePublishMedia(deps.db, deps.storage, target)
    : (() => {
        const selection = selectTargetMedia(claim.platform, settings, []);
        return selection.ok ? { ok: true as const, media: [] } : selection;
      })();
  // Only a target that names a thumbnail spends a query on it.
  const thumbnail = settingsThumbnailAssetId(settings)
    ? await resolveThumbnail(deps.db, deps.storage, target)
    : ({ ok: true, thumbnail: undefined } as const);
  const problems = [
    ...captionProblems(claim.platform, claim.content.caption),
    ...(media.ok ? [] : media.problems),
    ...(thumbnail.ok ? [] : [thumbnail.problem]),
  ];
  if (problems.length > 0 || !media.ok || !thumbnail.ok) return { ok: false, problems };
  return {
    ok: true,
    content: {
      caption: claim.content.caption,
      media: media.media,
      settings,
      ...(thumbnail.thumbnail ? { thumbnail: thumbnail.thumbnail } : {}),
    },
  };
}
