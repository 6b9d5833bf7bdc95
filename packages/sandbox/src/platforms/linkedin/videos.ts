// The Videos API (Microsoft Learn, "Videos API"), as a post's video needs it:
//   `POST /rest/videos?action=initializeUpload` `{"initializeUploadRequest":{"owner",
//   "fileSizeBytes","uploadCaptions","uploadThumbnail"}}` answers `{"value":{"uploadUrlsExpireAt",
//   "video":"urn:li:video:…","uploadInstructions":[{"uploadUrl","firstByte","lastByte"}],
//   "uploadToken"}}`, the file split into 4 MiB parts (byte positions inclusive);
//   `PUT {uploadUrl}` of each part's bytes (a pre-signed URL: no token) answers with an `ETag`;
//   `POST /rest/videos?action=finalizeUpload` `{"finalizeUploadRequest":{"video","uploadToken",
//   "uploadedPartIds":[ETag…]}}` starts processing;
//   `GET /rest/videos/{urn}` reports `status`: WAITING_UPLOAD, PROCESSING, AVAILABLE or
//   PROCESSING_FAILED.
// Processing takes `settings.videoProcessingPolls` status reads, never wall-clock time; an
// upload that is not an MP4 fails processing, as LinkedIn takes MP4 only. Captions and custom
// thumbnails are not emulated. Sandbox-only: `POST /linkedin/__sandbox/settings` changes the
// part size and the processing polls.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { replyUnderFault } from '../../faults.ts';
import { json, readBody, type Reply } from '../../http.ts';
import { signatures } from '../../remote-media.ts';
import type { SandboxContext } from '../../router.ts';
import { injectedLinkedInError, linkedinErrorReply, linkedinErrors } from './errors.ts';
import { isLinkedInError, readBytes, restRefusal, UploadTooLargeError } from './request.ts';
import { linkedinState, type LinkedInVideo } from './state.ts';

/** The `fileSizeBytes` ceiling in the Videos API's schema ("Maximum allowed Videos size is 5GB"). */
export const MAX_VIDEO_BYTES = 5 * 1024 * 1024 * 1024;
/** How long upload URLs take bytes, as `uploadUrlsExpireAt` reports it. */
const UPLOAD_URLS_TTL_MS = 24 * 60 * 60_000;
const OWNER = /^urn:li:(?:person|organization):[A-Za-z0-9_-]+$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export async function initializeVideoUpload(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
): Promise<void> {
  const raw = await readBody(req);
  const fault = ctx.store.takeFault('linkedin', 'publish');
  const act = (): Reply => {
    const auth = restRefusal(req, ctx.store, new Date());
    if (isLinkedInError(auth)) return linkedinErrorReply(auth);
    const body = parseJson(raw);
    if (!isObject(body)) return linkedinErrorReply(linkedinErrors.notJson());
    const request = body.initializeUploadRequest;
    if (!isObject(request)) {
      return linkedinErrorReply(
        linkedinErrors.schema([linkedinErrors.requiredField('/initializeUploadRequest')]),
      );
    }
    const problems: string[] = [];
    const { owner, fileSizeBytes, uploadCaptions, uploadThumbnail } = request;
    if (owner === undefined) {
      problems.push(linkedinErrors.requiredField('/initializeUploadRequest/owner'));
    } else if (typeof owner !== 'string' || !OWNER.test(owner)) {
      problems.push(
        `/initializeUploadRequest/owner :: ${JSON.stringify(owner)} is not a valid URN`,
      );
    }
    if (fileSizeBytes === undefined) {
      problems.push(linkedinErrors.requiredField('/initializeUploadRequest/fileSizeBytes'));
    } else if (
      typeof fileSizeBytes !== 'number' ||
      !Number.isSafeInteger(fileSizeBytes) ||
      fileSizeBytes < 1 ||
      fileSizeBytes > MAX_VIDEO_BYTES
    ) {
      problems.push(
        `/initializeUploadRequest/fileSizeBytes :: ${JSON.stringify(fileSizeBytes)} is not a size between 1 byte and 5GB`,
      );
    }
    for (const [name, value] of [
      ['uploadCaptions', uploadCaptions],
      ['uploadThumbnail', uploadThumbnail],
    ] as const) {
      if (value !== undefined && typeof value !== 'boolean') {
        problems.push(`/initializeUploadRequest/${name} :: not a boolean`);
      }
    }
    if (problems.length) return linkedinErrorReply(linkedinErrors.schema(problems));
    if (owner !== auth.accountId) return linkedinErrorReply(linkedinErrors.videoForbidden());
    if (uploadCaptions === true) {
      return linkedinErrorReply(linkedinErrors.videoExtrasNotEmulated('uploadCaptions'));
    }
    if (uploadThumbnail === true) {
      return linkedinErrorReply(linkedinErrors.videoExtrasNotEmulated('uploadThumbnail'));
    }

    const state = linkedinState(ctx.store);
    const size = fileSizeBytes as number;
    const urn = `urn:li:video:C${ctx.store.nextNumericId()}`;
    const partBytes = state.settings.videoPartBytes;
    const video: LinkedInVideo = {
      urn,
      owner: owner,
      fileSizeBytes: size,
      // LinkedIn hands out a token to echo at finalize; a client must not assume it is empty.
      uploadToken: randomBytes(12).toString('base64url'),
      uploadUrlsExpireAt: Date.now() + UPLOAD_URLS_TTL_MS,
      parts: [],
      status: 'WAITING_UPLOAD',
      polls: 0,
    };
    for (let first = 0; first < size; first += partBytes) {
      video.parts.push({
        firstByte: first,
        lastByte: Math.min(first + partBytes, size) - 1,
        signature: randomBytes(16).toString('base64url'),
      });
    }
    state.videos.set(urn, video);
    return json(200, {
      value: {
        uploadUrlsExpireAt: video.uploadUrlsExpireAt,
        video: urn,
        uploadInstructions: video.parts.map((part, index) => ({
          uploadUrl: partUrl(ctx, urn, index, part.signature),
          firstByte: part.firstByte,
          lastByte: part.lastByte,
        })),
        uploadToken: video.uploadToken,
      },
    });
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}

const partUrl = (ctx: SandboxContext, urn: string, index: number, signature: string) =>
  `${ctx.publicUrl}/linkedin/dms-uploads/videos/${encodeURIComponent(urn)}/${index}?sig=${signature}`;

/** `PUT {uploadUrl}`: one part's bytes. Its ETag goes into `uploadedPartIds` at finalize. */
export async function uploadVideoPart(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  urn: string,
  index: string,
  ctx: SandboxContext,
): Promise<void> {
  const state = linkedinState(ctx.store);
  const video = state.videos.get(urn);
  const part = /^\d+$/.test(index) ? video?.parts[Number(index)] : undefined;
  let bytes: Buffer | undefined;
  try {
    // One byte past the part's size is enough to tell that too much arrived.
    bytes = await readBytes(req, part ? part.lastByte - part.firstByte + 2 : 0);
  } catch (error) {
    if (!(error instanceof UploadTooLargeError)) throw error;
  }
  const fault = ctx.store.takeFault('linkedin', 'publish');
  const act = (): Reply => {
    if (!video || !part) return linkedinErrorReply(linkedinErrors.notFound(url.pathname));
    if (url.searchParams.get('sig') !== part.signature || Date.now() > video.uploadUrlsExpireAt) {
      return linkedinErrorReply(linkedinErrors.videoUploadUrlRefused());
    }
    if (video.status !== 'WAITING_UPLOAD') {
      return linkedinErrorReply(linkedinErrors.videoAlreadyFinalized(urn, video.status));
    }
    const expected = part.lastByte - part.firstByte + 1;
    const got = bytes?.length ?? expected + 1;
    if (!bytes || got !== expected) {
      return linkedinErrorReply(linkedinErrors.videoPartSize(expected, got));
    }
    part.bytes = bytes;
    part.etag = `/ambry-video/signedId/${createHash('sha256').update(urn).update(index).update(bytes).digest('base64url')}`;
    return { status: 200, headers: { etag: part.etag }, body: '' };
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}

export async function finalizeVideoUpload(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
): Promise<void> {
  const raw = await readBody(req);
  const fault = ctx.store.takeFault('linkedin', 'publish');
  const act = (): Reply => {
    const auth = restRefusal(req, ctx.store, new Date());
    if (isLinkedInError(auth)) return linkedinErrorReply(auth);
    const body = parseJson(raw);
    if (!isObject(body)) return linkedinErrorReply(linkedinErrors.notJson());
    const request = body.finalizeUploadRequest;
    if (!isObject(request)) {
      return linkedinErrorReply(
        linkedinErrors.schema([linkedinErrors.requiredField('/finalizeUploadRequest')]),
      );
    }
    const problems: string[] = [];
    for (const name of ['video', 'uploadToken', 'uploadedPartIds'] as const) {
      if (request[name] === undefined) {
        problems.push(linkedinErrors.requiredField(`/finalizeUploadRequest/${name}`));
      }
    }
    const ids = request.uploadedPartIds;
    if (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))) {
      problems.push('/finalizeUploadRequest/uploadedPartIds :: not an array of strings');
    }
    if (problems.length) return linkedinErrorReply(linkedinErrors.schema(problems));
    const urn = request.video;
    const state = linkedinState(ctx.store);
    const video = typeof urn === 'string' ? state.videos.get(urn) : undefined;
    if (!video) return linkedinErrorReply(linkedinErrors.notFound(`/videos/${String(urn)}`));
    if (video.owner !== auth.accountId) return linkedinErrorReply(linkedinErrors.videoForbidden());
    if (video.status !== 'WAITING_UPLOAD') {
      return linkedinErrorReply(linkedinErrors.videoAlreadyFinalized(video.urn, video.status));
    }
    if (request.uploadToken !== video.uploadToken) {
      return linkedinErrorReply(
        linkedinErrors.videoPartsIncomplete('the uploadToken is not the one initializeUpload gave'),
      );
    }
    const missing = video.parts.findIndex((part) => part.etag === undefined);
    if (missing !== -1) {
      return linkedinErrorReply(
        linkedinErrors.videoPartsIncomplete(
          `part ${missing + 1} of ${video.parts.length} was never uploaded`,
        ),
      );
    }
    const expected = video.parts.map((part) => part.etag!);
    const given = ids as string[];
    if (given.length !== expected.length || given.some((id, i) => id !== expected[i])) {
      return linkedinErrorReply(
        linkedinErrors.videoPartsIncomplete(
          `uploadedPartIds must be the ${expected.length} parts' ETags, in order`,
        ),
      );
    }
    const bytes = Buffer.concat(video.parts.map((part) => part.bytes!));
    for (const part of video.parts) delete part.bytes;
    video.status = 'PROCESSING';
    if (signatures.mp4(bytes.subarray(0, 12))) {
      video.outcome = 'AVAILABLE';
      ctx.store.recordMedia(
        {
          platform: 'linkedin',
          accountId: video.owner,
          id: video.urn,
          kind: 'video',
          contentType: 'video/mp4',
          sizeBytes: bytes.length,
          postId: null,
          createdAt: new Date().toISOString(),
        },
        bytes,
      );
    } else {
      video.outcome = 'PROCESSING_FAILED';
      video.processingFailureReason = 'The file is not an MP4 video';
    }
    settleProcessing(video, state.settings.videoProcessingPolls);
    return { status: 200, body: '' };
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}

/** Processing ends once `polls` status reads have answered PROCESSING. */
function settleProcessing(video: LinkedInVideo, polls: number): void {
  if (video.status === 'PROCESSING' && video.polls >= polls) video.status = video.outcome!;
}

/** `GET /rest/videos/{urn}`: the video's status (each PROCESSING answer moves processing on). */
export async function getVideo(
  req: IncomingMessage,
  res: ServerResponse,
  urn: string,
  ctx: SandboxContext,
): Promise<void> {
  const fault = ctx.store.takeFault('linkedin', 'read');
  const act = (): Reply => {
    const auth = restRefusal(req, ctx.store, new Date());
    if (isLinkedInError(auth)) return linkedinErrorReply(auth);
    const state = linkedinState(ctx.store);
    const video = state.videos.get(urn);
    if (!video) return linkedinErrorReply(linkedinErrors.notFound(`/videos/${urn}`));
    if (video.owner !== auth.accountId) return linkedinErrorReply(linkedinErrors.videoForbidden());
    settleProcessing(video, state.settings.videoProcessingPolls);
    const answer = {
      id: video.urn,
      owner: video.owner,
      status: video.status,
      ...(video.status === 'AVAILABLE'
        ? { downloadUrl: `${ctx.publicUrl}/linkedin/media/${encodeURIComponent(video.urn)}` }
        : {}),
      ...(video.status === 'PROCESSING_FAILED'
        ? { processingFailureReason: video.processingFailureReason }
        : {}),
    };
    if (video.status === 'PROCESSING') video.polls += 1;
    return json(200, answer);
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}

const Settings = z.strictObject({
  videoPartBytes: z
    .int()
    .min(1)
    .max(64 * 1024 * 1024)
    .optional(),
  videoProcessingPolls: z.int().min(0).max(100).optional(),
});

/** `POST /linkedin/__sandbox/settings`: sandbox-only, for tests and demos. */
export async function changeSettings(req: IncomingMessage, ctx: SandboxContext): Promise<Reply> {
  const parsed = Settings.safeParse(parseJson(await readBody(req)));
  if (!parsed.success) {
    return json(400, {
      error: `Send the settings as a JSON object (videoPartBytes, videoProcessingPolls): ${parsed.error.message}`,
    });
  }
  const state = linkedinState(ctx.store);
  Object.assign(state.settings, parsed.data);
  return json(200, { settings: state.settings });
}
