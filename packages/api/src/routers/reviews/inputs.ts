import { z } from 'zod';
import { safeText } from '../../inputs.ts';

export const ReviewPostInput = z.object({ postId: z.uuid() });
export const CommentInput = z.object({
  postId: z.uuid(),
  body: safeText('The comment')
    .trim()
    .min(1, 'Write a comment.')
    .max(5_000, 'The comment is too long.'),
});
export const RequestChangesInput = z.object({
  postId: z.uuid(),
  comment: safeText('The comment')
    .trim()
    .min(1, 'Say what should change.')
    .max(5_000, 'The comment is too long.'),
});
export const QueueInput = z
  .object({ limit: z.number().int().min(1).max(200).optional() })
  .optional();
export const ClientApprovalInput = z.object({ clientId: z.uuid(), requiresApproval: z.boolean() });
export const CreateReviewLinkInput = z.object({
  postId: z.uuid(),
  /** How many days the link works; 7 unless given. */
  days: z
    .number()
    .int('Give a whole number of days.')
    .min(1, 'A link works for at least a day.')
    .max(90, 'A link works for at most 90 days.')
    .optional(),
});
export const ReviewLinkIdInput = z.object({ linkId: z.uuid() });
