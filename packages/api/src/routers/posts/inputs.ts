import { z } from 'zod';
import { instant, safeJsonObject, safeText } from '../../inputs.ts';

/** One account's settings (domain/target-settings.ts); the service checks them per platform. */
const TargetSettings = safeJsonObject('The settings');

export const SchedulePostInput = z.object({
  clientId: z.uuid(),
  caption: safeText('The caption')
    .trim()
    .min(1, 'Write a caption.')
    .max(100_000, 'The caption is too long.'),
  accountIds: z.array(z.uuid()).min(1, 'Pick at least one account.').max(50),
  /** The instant to publish at; the web app converts the client's local time. */
  scheduledFor: instant(),
  /** Library assets, in the order the post shows them. */
  mediaIds: z.array(z.uuid()).max(20, 'A post can carry at most 20 files.').optional(),
  /** Per-platform settings by account id: the post type, a YouTube title, an article link. */
  settings: z.record(z.uuid(), TargetSettings).optional(),
  /** Per-account captions (a platform's variant) by account id; left out: the post's caption. */
  captions: z
    .record(
      z.uuid(),
      safeText('A caption')
        .trim()
        .min(1, 'Write the caption, or leave the account on the post’s caption.')
        .max(100_000, 'The caption is too long.'),
    )
    .optional(),
});

export const ReschedulePostInput = z.object({ postId: z.uuid(), scheduledFor: instant() });
/** A draft post goes on the queue at this instant. */
export const ScheduleDraftInput = ReschedulePostInput;
export const PostIdInput = z.object({ postId: z.uuid() });
/** A post's engagement; with a target, that account's only. */
export const PostMetricsInput = z.object({ postId: z.uuid(), targetId: z.uuid().optional() });
export const ListPostsInput = z.object({
  clientId: z.uuid(),
  limit: z.number().int().min(1).max(200).optional(),
});
export const TargetIdInput = z.object({ targetId: z.uuid() });
export const ResolveTargetInput = z
  .object({
    targetId: z.uuid(),
    resolution: z.enum(['published', 'failed']),
    /** Where the post is, when it was published. */
    url: z
      .url({ protocol: /^https?$/, error: 'Give the link to the post on the platform.' })
      .optional(),
    note: safeText('The note').max(500).optional(),
  })
  .refine((input) => input.resolution !== 'published' || input.url, {
    path: ['url'],
    error: 'Give the link to the post on the platform.',
  });

/** A per-platform variant's own media, in order; null: use the post's media again. */
export const SetVariantMediaInput = z.object({
  targetId: z.uuid(),
  mediaIds: z.array(z.uuid()).max(20, 'A post can carry at most 20 files.').nullable(),
});

/** One account's settings for its platform, replacing what it had ({} means the defaults). */
export const SetTargetSettingsInput = z.object({
  targetId: z.uuid(),
  settings: TargetSettings,
});
