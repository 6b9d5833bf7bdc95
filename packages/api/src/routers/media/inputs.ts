import { z } from 'zod';
import { safeText } from '../../inputs.ts';

const fileName = safeText('The file name')
  .trim()
  .min(1, 'The file needs a name.')
  .max(255, 'The file name is too long (255 characters at most).')
  .refine((name) => !/[\\/]/.test(name), 'The file name cannot contain slashes.');

/** What the browser declares before uploading; checked again against the bytes afterwards. */
export const UploadInput = z.object({
  clientId: z.uuid(),
  fileName,
  contentType: z.string().trim().min(1).max(100),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const FinaliseInput = UploadInput.extend({ uploadId: z.uuid() });

export const ListMediaInput = z.object({
  clientId: z.uuid(),
  search: safeText('The search').trim().max(100).optional(),
  cursor: z.uuid().optional(),
  limit: z.number().int().min(1).max(100).optional(),
});

export const AssetIdInput = z.object({ assetId: z.uuid() });
export const TargetIdInput = z.object({ targetId: z.uuid() });
