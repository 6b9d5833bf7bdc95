// Media: signed upload URLs, finalising an upload, the client's library, and the fallback
// package of a failed target. Thin: the work is in @herald/core's media services.
import {
  createUpload,
  deleteMedia,
  fallbackPackageUrl,
  finaliseUpload,
  getMedia,
  listMedia,
  type MediaDeps,
} from '@herald/core';
import { STORAGE_NOT_CONFIGURED } from '@herald/core/storage';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { orgProcedure } from '../../trpc.ts';
import {
  AssetIdInput,
  FinaliseInput,
  ListMediaInput,
  TargetIdInput,
  UploadInput,
} from './inputs.ts';

/** The services' dependencies for this request; media needs storage configured. */
const mediaProcedure = orgProcedure.use(({ ctx, next }) => {
  if (!ctx.storage) {
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: STORAGE_NOT_CONFIGURED,
    });
  }
  const media: MediaDeps = { db: ctx.db, storage: ctx.storage };
  return next({ ctx: { ...ctx, media } });
});

export const mediaRouter = {
  /** A URL the browser PUTs one file to, and the headers to send with it. */
  createUpload: mediaProcedure
    .input(UploadInput)
    .mutation(({ ctx, input }) => createUpload(ctx.media, ctx.actor, input)),
  /** Records the uploaded file and queues its processing. */
  finalise: mediaProcedure
    .input(FinaliseInput)
    .mutation(({ ctx, input }) => finaliseUpload(ctx.media, ctx.actor, input)),
  list: mediaProcedure
    .input(ListMediaInput)
    .query(({ ctx, input }) => listMedia(ctx.media, ctx.actor, input)),
  get: mediaProcedure
    .input(AssetIdInput)
    .query(({ ctx, input }) => getMedia(ctx.media, ctx.actor, input)),
  delete: mediaProcedure
    .input(AssetIdInput)
    .mutation(({ ctx, input }) => deleteMedia(ctx.media, ctx.actor, input)),
  /** A fresh signed link to a failed target's package (caption + media) for posting by hand. */
  fallbackPackageUrl: mediaProcedure
    .input(TargetIdInput)
    .query(({ ctx, input }) => fallbackPackageUrl(ctx.media, ctx.actor, input)),
} satisfies TRPCRouterRecord;
