// The Images API's upload, as the Posts API needs it (Microsoft Learn, "Images API"):
// `POST /rest/images?action=initializeUpload` `{"initializeUploadRequest":{"owner"}}` answers
// `{"value":{"uploadUrlExpiresAt","uploadUrl","image"}}`; a `PUT` of the bytes to `uploadUrl`
// (with the Bearer token) answers 201 and makes the image AVAILABLE; `GET /rest/images/{urn}`
// reports its status. Uploads are kept and served at /linkedin/media/{urn} for the post pages.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyUnderFault } from '../../faults.ts';
import { json, readBody, send, text, type Reply } from '../../http.ts';
import { signatures } from '../../remote-media.ts';
import type { SandboxContext } from '../../router.ts';
import { injectedLinkedInError, linkedinErrorReply, linkedinErrors } from './errors.ts';
import {
  authenticate,
  isLinkedInError,
  readBytes,
  restRefusal,
  UploadTooLargeError,
} from './request.ts';
import { linkedinState } from './state.ts';

const MB = 1024 * 1024;
/** The sandbox's cap on one upload (LinkedIn caps images by pixels: under 36,152,320). */
export const MAX_IMAGE_BYTES = 36 * MB;
/** How long an upload URL is good for, as `uploadUrlExpiresAt` reports it. */
const UPLOAD_URL_TTL_MS = 24 * 60 * 60_000;

const IMAGE_TYPES: Record<string, (head: Buffer) => boolean> = {
  'image/jpeg': signatures.jpeg,
  'image/png': signatures.png,
  'image/gif': signatures.gif,
};

const OWNER = /^urn:li:(?:person|organization):[A-Za-z0-9_-]+$/;

export async function initializeUpload(
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
    if (body === undefined) return linkedinErrorReply(linkedinErrors.notJson());
    const request = field(body, 'initializeUploadRequest');
    const owner = field(request, 'owner');
    if (typeof owner !== 'string') {
      const path =
        request === undefined ? '/initializeUploadRequest' : '/initializeUploadRequest/owner';
      return linkedinErrorReply(linkedinErrors.schema([linkedinErrors.requiredField(path)]));
    }
    if (!OWNER.test(owner)) {
      return linkedinErrorReply(
        linkedinErrors.schema([`/initializeUploadRequest/owner :: "${owner}" is not a valid URN`]),
      );
    }
    if (!auth.actsFor.includes(owner)) {
      return linkedinErrorReply(linkedinErrors.accessDenied('POST', '/images'));
    }
    const id = ctx.store.nextNumericId();
    const urn = `urn:li:image:D${id}`;
    linkedinState(ctx.store).images.set(urn, { urn, owner, status: 'WAITING_UPLOAD' });
    return json(200, {
      value: {
        uploadUrlExpiresAt: Date.now() + UPLOAD_URL_TTL_MS,
        uploadUrl: `${ctx.publicUrl}/linkedin/dms-uploads/${encodeURIComponent(urn)}`,
        image: urn,
      },
    });
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}

/** `PUT {uploadUrl}`: the image's bytes, with the same Bearer token. */
export async function uploadImage(
  req: IncomingMessage,
  res: ServerResponse,
  urn: string,
  ctx: SandboxContext,
): Promise<void> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readBytes(req, MAX_IMAGE_BYTES);
  } catch (error) {
    if (!(error instanceof UploadTooLargeError)) throw error;
  }
  const fault = ctx.store.takeFault('linkedin', 'publish');
  const act = (): Reply => {
    const auth = authenticate(req, ctx.store);
    if (isLinkedInError(auth)) return linkedinErrorReply(auth);
    const state = linkedinState(ctx.store);
    const image = state.images.get(urn);
    if (!image) return linkedinErrorReply(linkedinErrors.notFound(`/dms-uploads/${urn}`));
    if (!auth.actsFor.includes(image.owner)) {
      return linkedinErrorReply(linkedinErrors.accessDenied('PUT', '/dms-uploads'));
    }
    if (!bytes) return linkedinErrorReply(linkedinErrors.uploadTooLarge());
    const contentType = Object.entries(IMAGE_TYPES).find(([, startsRight]) =>
      startsRight(bytes),
    )?.[0];
    if (!contentType) return linkedinErrorReply(linkedinErrors.unsupportedImage());
    image.status = 'AVAILABLE';
    ctx.store.recordMedia(
      {
        platform: 'linkedin',
        accountId: image.owner,
        id: urn,
        kind: 'image',
        contentType,
        sizeBytes: bytes.length,
        postId: null,
        createdAt: new Date().toISOString(),
      },
      bytes,
    );
    return { status: 201, body: '' };
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}

/** `GET /rest/images/{urn}`: the image's status, as the Images API reports it. */
export function getImage(
  req: IncomingMessage,
  res: ServerResponse,
  urn: string,
  ctx: SandboxContext,
) {
  const auth = restRefusal(req, ctx.store, new Date());
  if (isLinkedInError(auth)) return send(res, linkedinErrorReply(auth));
  const image = linkedinState(ctx.store).images.get(urn);
  if (!image) return send(res, linkedinErrorReply(linkedinErrors.notFound(`/images/${urn}`)));
  if (!auth.actsFor.includes(image.owner)) {
    return send(res, linkedinErrorReply(linkedinErrors.accessDenied('GET', '/images')));
  }
  const kept = ctx.store.findMedia('linkedin', urn);
  send(
    res,
    json(200, {
      id: urn,
      owner: image.owner,
      status: image.status,
      ...(kept
        ? { downloadUrl: `${ctx.publicUrl}/linkedin/media/${encodeURIComponent(urn)}` }
        : {}),
    }),
  );
}

/** The kept bytes of an uploaded image, for the post pages. */
export function serveImage(res: ServerResponse, urn: string, ctx: SandboxContext): void {
  const media = ctx.store.findMedia('linkedin', urn);
  const bytes = ctx.store.mediaBytes('linkedin', urn);
  if (!media || !bytes) return send(res, text(404, 'Not found'));
  res.writeHead(200, { 'content-type': media.contentType, 'content-length': bytes.length });
  res.end(bytes);
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[name];
}
