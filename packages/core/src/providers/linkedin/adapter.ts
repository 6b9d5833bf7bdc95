// LinkedIn through its versioned REST API (https://api.linkedin.com/rest, headers
// `LinkedIn-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`). A text post is one
// `POST /rest/posts`; a photo is first uploaded through the Images API
// (`POST /rest/images?action=initializeUpload`, then a `PUT` of the bytes, which Herald downloads
// from the signed URL) and named in the post's `content.media.id`, several in
// `content.multiImage.images`. A video goes through the Videos API: `initializeUpload` with its
// size lays it out in parts, each part's bytes (fetched with a Range request) are PUT to its
// pre-signed URL and answer an ETag, `finalizeUpload` names the ETags, and the post waits until
// `GET /rest/videos/{urn}` says AVAILABLE (while PROCESSING the attempt ends as "not ready" and
// the engine asks again later). A LinkedIn article link (settings.article) is
// `content.article { source, title, description, thumbnail }`, the post's one photo uploaded as
// its thumbnail. Each upload step (a photo registered or sent, a video part sent, the video
// finalized) is recorded before the next, so a retry repeats none of them; only the post itself
// may be ambiguous. The caption goes out as "little text", escaped, so it shows exactly as
// written. Reconcile lists the author's posts (`GET /rest/posts?q=author`) around the attempt.
// Tokens refresh at https://www.linkedin.com/oauth/v2/accessToken (programmatic refresh tokens).
//
// Sources (Microsoft Learn, LinkedIn Marketing API docs): "Posts API" (schema, 201 +
// x-restli-id, find posts by author, MultiImage, Article and Video content), "Images API"
// (initializeUpload, upload PUT), "Videos API" (initializeUpload, uploadInstructions, ETags,
// finalizeUpload, video status; 3 s–30 min, 75 KB–500 MB), "Little Text Format", "LinkedIn
// Marketing API Versioning", "Error Handling", "Refresh Tokens with OAuth 2.0"; error bodies as
// LinkedIn sends them (NONEXISTENT_VERSION, DUPLICATE_POST, ShareCommentary length) from public
// bug reports.
import { z } from 'zod';
import { PLATFORM_RULES } from '../../domain/platform-rules.ts';
import {
  parseTargetSettings,
  settingsMediaProblems,
  type LinkedInSettings,
} from '../../domain/target-settings.ts';
import {
  AmbiguousPublishError,
  AuthPublishError,
  NotReadyPublishError,
  PermanentPublishError,
  PublishError,
  RetryablePublishError,
} from '../errors.ts';
import { unknownOnFailure } from '../reconcile.ts';
import type {
  AdapterHttpConfig,
  JsonValue,
  PlatformAdapter,
  ProviderProgress,
  PublishedPost,
  PublishMedia,
  PublishRequest,
  ReconcileOutcome,
  ReconcileRequest,
  RefreshedToken,
  RefreshTokenRequest,
} from '../types.ts';
import { classifyLinkedInError, classifyNetworkError, duplicateOf } from './errors.ts';
import { escapeLittleText, unescapeLittleText } from './little-text.ts';
import { fetchLinkedInMetrics } from './metrics.ts';

/** The `LinkedIn-Version` used when none is configured. Versions are sunset after a year. */
export const DEFAULT_LINKEDIN_API_VERSION = '202611';

export interface LinkedInAdapterConfig extends AdapterHttpConfig {
  /** `LinkedIn-Version` as `YYYYMM`; default DEFAULT_LINKEDIN_API_VERSION. Show it in health checks. */
  apiVersion?: string;
  /**
   * Where the OAuth token endpoint lives: https://www.linkedin.com for the real API (the
   * default when baseUrl is https://api.linkedin.com), else `baseUrl` (the sandbox).
   */
  oauthBaseUrl?: string;
  /** The LinkedIn app's credentials; without them the adapter cannot refresh tokens. */
  clientId?: string;
  clientSecret?: string;
  /**
   * Where people open a post: `{webUrl}/{urn}`. Default https://www.linkedin.com/feed/update
   * for the real API and `{baseUrl}/feed/update` for the sandbox.
   */
  webUrl?: string;
  /** How far ahead a "video still processing" retry is due; default 20 s. */
  processingRetryMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_PROCESSING_RETRY_MS = 20_000;
const REAL_API = /^https:\/\/api\.linkedin\.com$/;
/** The Posts API takes 2–20 images in a multiImage post. */
const MAX_IMAGES = 20;
/** Reconcile looks this far either side of the attempt: clocks and LinkedIn's times differ. */
const RECONCILE_SLACK_MS = 2 * 60_000;
const FINDER_PAGE = 50;
const MAX_FINDER_PAGES = 5;

/** One photo on its way to LinkedIn: which asset, its image URN, and whether its bytes arrived. */
const UploadProgress = z.object({
  assetId: z.string(),
  image: z.string().startsWith('urn:li:image:'),
  uploadUrl: z.string().url(),
  uploaded: z.boolean(),
});
type UploadProgress = z.infer<typeof UploadProgress>;
/** One part of a video upload as initializeUpload laid it out, and its ETag once sent. */
const VideoPart = z.object({
  uploadUrl: z.string().url(),
  firstByte: z.number().int().min(0),
  lastByte: z.number().int().min(0),
  etag: z.string().min(1).optional(),
});
/** A video on its way to LinkedIn: its URN, the upload's parts, and whether it was finalized. */
const VideoProgress = z.object({
  assetId: z.string(),
  video: z.string().startsWith('urn:li:video:'),
  uploadToken: z.string(),
  /** Epoch ms after which the part URLs take no more bytes. */
  uploadUrlsExpireAt: z.number().optional(),
  parts: z.array(VideoPart).min(1),
  finalized: z.boolean(),
});
type VideoProgress = z.infer<typeof VideoProgress>;
const LinkedInProgress = z.object({
  images: z.array(UploadProgress).optional(),
  video: VideoProgress.optional(),
  /** The post LinkedIn said this one duplicates (its answer to a retried, already made post). */
  duplicateOf: z.string().optional(),
});
type LinkedInProgress = z.infer<typeof LinkedInProgress>;

const InitializeUploadResponse = z.object({
  value: z.object({ uploadUrl: z.string().url(), image: z.string().startsWith('urn:li:image:') }),
});
const InitializeVideoResponse = z.object({
  value: z.object({
    video: z.string().startsWith('urn:li:video:'),
    uploadInstructions: z
      .array(
        z.object({
          uploadUrl: z.string().url(),
          firstByte: z.number().int().min(0),
          lastByte: z.number().int().min(0),
        }),
      )
      .min(1),
    uploadToken: z.string().optional(),
    uploadUrlsExpireAt: z.number().optional(),
  }),
});
const VideoStatusResponse = z.object({
  status: z.string(),
  processingFailureReason: z.string().optional(),
});
const FinderResponse = z.object({
  elements: z.array(
    z.object({
      id: z.string(),
      commentary: z.string().optional(),
      createdAt: z.number().optional(),
      publishedAt: z.number().optional(),
      lastModifiedAt: z.number().optional(),
    }),
  ),
  paging: z.object({ total: z.number().optional() }).optional(),
});
const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number(),
  refresh_token: z.string().min(1).optional(),
});
const OAuthError = z.object({ error: z.string(), error_description: z.string().optional() });

export function createLinkedInAdapter(config: LinkedInAdapterConfig): PlatformAdapter {
  const base = config.baseUrl.replace(/\/+$/, '');
  const real = REAL_API.test(base);
  const rest = `${base}/rest`;
  const version = config.apiVersion ?? DEFAULT_LINKEDIN_API_VERSION;
  const oauthBase = (config.oauthBaseUrl ?? (real ? 'https://www.linkedin.com' : base)).replace(
    /\/+$/,
    '',
  );
  const web = (
    config.webUrl ?? (real ? 'https://www.linkedin.com/feed/update' : `${base}/feed/update`)
  ).replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const processingRetryMs = config.processingRetryMs ?? DEFAULT_PROCESSING_RETRY_MS;
  const clock = config.now ?? (() => new Date());
  const doFetch = config.fetch ?? fetch;
  const postUrl = (urn: string) => `${web}/${urn}`;

  const call = (url: string, init: RequestInit, signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return doFetch(url, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  };
  const restHeaders = (accessToken: string, json = false): Record<string, string> => ({
    authorization: `Bearer ${accessToken}`,
    'linkedin-version': version,
    'x-restli-protocol-version': '2.0.0',
    ...(json ? { 'content-type': 'application/json' } : {}),
  });

  /** A REST call whose failure is thrown as a PublishError (a lost answer is ambiguous here). */
  async function send(
    url: string,
    init: RequestInit,
    signal?: AbortSignal,
  ): Promise<{ response: Response; body: unknown }> {
    let response: Response;
    let body: unknown;
    try {
      response = await call(url, init, signal);
      body = parseJson(await response.text());
    } catch (error) {
      throw classifyNetworkError(error, { timeoutMs });
    }
    if (!response.ok) throw classifyLinkedInError(response.status, body, response.headers, clock());
    return { response, body };
  }

  async function save(request: PublishRequest, progress: LinkedInProgress, what: string) {
    try {
      // A copy: the adapter goes on changing its own records after the engine took this one.
      await request.saveProgress(structuredClone(progress));
    } catch (error) {
      throw new RetryablePublishError(
        `Herald could not record ${what}; nothing is visible on LinkedIn yet.`,
        { cause: error },
      );
    }
  }

  /** Registers (once) and uploads (once) each photo, recording every step before the next. */
  async function uploadImages(
    request: PublishRequest,
    photos: readonly PublishMedia[],
  ): Promise<UploadProgress[]> {
    const { account, signal } = request;
    const uploads = uploadsSoFar(request.progress, photos);
    for (const [index, photo] of photos.entries()) {
      if (signal?.aborted) {
        throw new RetryablePublishError('Publishing was cancelled before the post was made.');
      }
      let upload = uploads[index];
      if (!upload) {
        const { body } = await send(
          `${rest}/images?action=initializeUpload`,
          {
            method: 'POST',
            headers: restHeaders(account.accessToken, true),
            body: JSON.stringify({ initializeUploadRequest: { owner: account.externalId } }),
          },
          signal,
        ).catch(rethrowAsSetup(photo));
        const parsed = InitializeUploadResponse.safeParse(body);
        if (!parsed.success) {
          throw new RetryablePublishError(
            'LinkedIn answered an image upload request without an upload URL.',
          );
        }
        upload = { assetId: photo.assetId, ...parsed.data.value, uploaded: false };
        uploads.push(upload);
        await save(request, { images: uploads }, `a photo LinkedIn registered (${photo.name})`);
      }
      if (!upload.uploaded) {
        const bytes = await download(photo, signal);
        await send(
          upload.uploadUrl,
          {
            method: 'PUT',
            headers: {
              authorization: `Bearer ${account.accessToken}`,
              'content-type': photo.contentType,
            },
            body: bytes,
          },
          signal,
        ).catch(rethrowAsSetup(photo));
        upload.uploaded = true;
        await save(request, { images: uploads }, `a photo uploaded to LinkedIn (${photo.name})`);
      }
    }
    return uploads;
  }

  /** Herald fetches the file itself: LinkedIn takes the bytes, not a URL. */
  async function download(photo: PublishMedia, signal?: AbortSignal): Promise<ArrayBuffer> {
    let response: Response;
    try {
      response = await call(photo.url, {}, signal);
      if (response.ok) return await response.arrayBuffer();
    } catch (error) {
      throw new RetryablePublishError(`Herald could not download ${photo.name} to upload it.`, {
        cause: error,
      });
    }
    await response.body?.cancel().catch(() => undefined);
    throw new RetryablePublishError(
      `Herald could not download ${photo.name} to upload it (HTTP ${response.status}).`,
    );
  }

  /**
   * Bytes `first`..`last` (inclusive) of a file, asked for with a Range request so a large
   * video is never held whole; a host that ignores ranges sends it all and the slice is cut here.
   */
  async function downloadRange(
    file: PublishMedia,
    first: number,
    last: number,
    signal?: AbortSignal,
  ): Promise<Uint8Array<ArrayBuffer>> {
    let response: Response;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      response = await call(file.url, { headers: { range: `bytes=${first}-${last}` } }, signal);
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new RetryablePublishError(
          `Herald could not download ${file.name} to upload it (HTTP ${response.status}).`,
        );
      }
      const body = new Uint8Array(await response.arrayBuffer());
      bytes = response.status === 206 ? body : body.subarray(first, last + 1);
    } catch (error) {
      if (error instanceof PublishError) throw error;
      throw new RetryablePublishError(`Herald could not download ${file.name} to upload it.`, {
        cause: error,
      });
    }
    if (bytes.length !== last - first + 1) {
      throw new RetryablePublishError(
        `${file.name} changed size while Herald was uploading it to LinkedIn.`,
      );
    }
    return bytes;
  }

  /**
   * Registers the video (once), sends each part not yet sent (recording its ETag before the
   * next), and finalizes the upload (once). Safe to repeat: nothing shows on LinkedIn yet.
   */
  async function uploadVideo(request: PublishRequest, file: PublishMedia): Promise<VideoProgress> {
    const { account, signal } = request;
    let upload = videoSoFar(request.progress, file, clock());
    if (!upload) {
      const { body } = await send(
        `${rest}/videos?action=initializeUpload`,
        {
          method: 'POST',
          headers: restHeaders(account.accessToken, true),
          body: JSON.stringify({
            initializeUploadRequest: {
              owner: account.externalId,
              fileSizeBytes: file.sizeBytes,
              uploadCaptions: false,
              uploadThumbnail: false,
            },
          }),
        },
        signal,
      ).catch(rethrowAsSetup(file));
      const parsed = InitializeVideoResponse.safeParse(body);
      if (!parsed.success || !coversFile(parsed.data.value.uploadInstructions, file.sizeBytes)) {
        throw new RetryablePublishError(
          'LinkedIn answered the video upload request without upload instructions for the whole file.',
        );
      }
      const { video, uploadInstructions, uploadToken, uploadUrlsExpireAt } = parsed.data.value;
      upload = {
        assetId: file.assetId,
        video,
        // Echoed at finalize as given; LinkedIn's single-part example gives an empty one.
        uploadToken: uploadToken ?? '',
        ...(uploadUrlsExpireAt !== undefined ? { uploadUrlsExpireAt } : {}),
        parts: uploadInstructions.map((part) => ({ ...part })),
        finalized: false,
      };
      await save(request, { video: upload }, `a video LinkedIn registered (${file.name})`);
    }
    const total = upload.parts.length;
    for (const [index, part] of upload.parts.entries()) {
      if (part.etag) continue;
      if (signal?.aborted) {
        throw new RetryablePublishError('Publishing was cancelled before the post was made.');
      }
      const bytes = await downloadRange(file, part.firstByte, part.lastByte, signal);
      // A pre-signed URL: no token goes to it.
      const { response } = await send(
        part.uploadUrl,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream' },
          body: bytes,
        },
        signal,
      ).catch(rethrowAsSetup(file));
      const etag = response.headers.get('etag');
      if (!etag) {
        throw new RetryablePublishError(
          `LinkedIn took part ${index + 1} of ${file.name} without answering its ETag.`,
        );
      }
      part.etag = etag;
      await save(
        request,
        { video: upload },
        `part ${index + 1} of ${total} of ${file.name} sent to LinkedIn`,
      );
    }
    if (!upload.finalized) {
      await send(
        `${rest}/videos?action=finalizeUpload`,
        {
          method: 'POST',
          headers: restHeaders(account.accessToken, true),
          body: JSON.stringify({
            finalizeUploadRequest: {
              video: upload.video,
              uploadToken: upload.uploadToken,
              uploadedPartIds: upload.parts.map((part) => part.etag!),
            },
          }),
        },
        signal,
      ).catch(async (error: unknown) => {
        // An earlier finalize whose answer was lost may have gone through: LinkedIn then
        // refuses this one, and the video's status says it is past waiting for its upload.
        if (error instanceof PublishError && error.kind === 'permanent') {
          const status = await videoStatus(request, upload.video, file).catch(() => undefined);
          if (status && status.status !== 'WAITING_UPLOAD') return;
        }
        rethrowAsSetup(file)(error);
      });
      upload.finalized = true;
      await save(request, { video: upload }, `the finalized upload of ${file.name}`);
    }
    return upload;
  }

  async function videoStatus(request: PublishRequest, urn: string, file: PublishMedia) {
    const { body } = await send(
      `${rest}/videos/${encodeURIComponent(urn)}`,
      { headers: restHeaders(request.account.accessToken) },
      request.signal,
    ).catch(rethrowAsSetup(file));
    const parsed = VideoStatusResponse.safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        'LinkedIn answered the video status in a form Herald does not understand.',
      );
    }
    return parsed.data;
  }

  /** Uploads the video, and posts it once LinkedIn has processed it. */
  async function publishVideo(request: PublishRequest, file: PublishMedia): Promise<PublishedPost> {
    const upload = await uploadVideo(request, file);
    const { status, processingFailureReason } = await videoStatus(request, upload.video, file);
    if (status === 'AVAILABLE') {
      return createPost(request, { media: { id: upload.video } }, { video: upload });
    }
    if (status === 'PROCESSING_FAILED') {
      // The next attempt (a person retrying) starts the upload afresh.
      await request.saveProgress({}).catch(() => undefined);
      throw new PermanentPublishError(
        `${file.name}: LinkedIn could not process the video${processingFailureReason ? ` (${processingFailureReason})` : ''}. Check that it is an MP4 of 3 s to 30 min and try again.`,
        { platformCode: 'PROCESSING_FAILED' },
      );
    }
    throw new NotReadyPublishError(
      `LinkedIn is still processing ${file.name}; Herald will check again shortly.`,
      {
        retryAt: new Date(clock().getTime() + processingRetryMs),
        platformCode: 'processing',
      },
    );
  }

  /** An article link as a card; the post's photo, if it has one, is its thumbnail. */
  async function publishArticle(
    request: PublishRequest,
    article: NonNullable<LinkedInSettings['article']>,
  ): Promise<PublishedPost> {
    const uploads = request.content.media.length
      ? await uploadImages(request, request.content.media)
      : [];
    const content: JsonValue = {
      article: {
        source: article.url,
        // LinkedIn needs a title and does not fetch one from the page: the site's name stands in.
        title: article.title ?? new URL(article.url).hostname,
        ...(article.description ? { description: article.description } : {}),
        ...(uploads[0] ? { thumbnail: uploads[0].image } : {}),
      },
    };
    return createPost(request, content, uploads.length ? { images: uploads } : {});
  }

  /** The call that makes the post visible. */
  async function createPost(
    request: PublishRequest,
    content: JsonValue | undefined,
    progress: LinkedInProgress,
  ): Promise<PublishedPost> {
    const { account, signal } = request;
    const body = {
      author: account.externalId,
      commentary: escapeLittleText(request.content.caption),
      visibility: 'PUBLIC',
      distribution: {
        feedDistribution: 'MAIN_FEED',
        targetEntities: [],
        thirdPartyDistributionChannels: [],
      },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
      ...(content !== undefined ? { content } : {}),
    };
    let response: Response;
    try {
      ({ response } = await send(
        `${rest}/posts`,
        {
          method: 'POST',
          headers: restHeaders(account.accessToken, true),
          body: JSON.stringify(body),
        },
        signal,
      ));
    } catch (error) {
      const existing = error instanceof PublishError ? duplicateOf(error) : undefined;
      if (existing) {
        // Remember which post LinkedIn means, so reconcile can say where to look.
        await request.saveProgress({ ...progress, duplicateOf: existing }).catch(() => undefined);
      }
      throw error;
    }
    const urn = response.headers.get('x-restli-id');
    if (!urn) {
      throw new AmbiguousPublishError(
        `LinkedIn answered HTTP ${response.status} without the new post's id.`,
        { platformCode: `http_${response.status}` },
      );
    }
    return { externalId: urn, url: postUrl(urn) };
  }

  async function publish(request: PublishRequest): Promise<PublishedPost> {
    if (request.signal?.aborted) {
      throw new RetryablePublishError('Publishing was cancelled before anything was sent.');
    }
    const { media } = request.content;
    const settings = parseTargetSettings('linkedin', request.content.settings);
    if (!settings.ok) {
      throw new PermanentPublishError(settings.problem, { platformCode: 'settings' });
    }
    const problems = settingsMediaProblems('linkedin', settings.settings, media);
    if (problems.length > 0) {
      throw new PermanentPublishError(problems.join(' '), { platformCode: 'settings' });
    }
    if (settings.settings.article) return publishArticle(request, settings.settings.article);
    const video = media.find((m) => m.kind === 'video');
    if (video) {
      if (media.length > 1) {
        throw new PermanentPublishError("A video on LinkedIn must be the post's only item.");
      }
      return publishVideo(request, video);
    }
    if (media.length > MAX_IMAGES) {
      throw new PermanentPublishError(
        `A LinkedIn post takes at most ${MAX_IMAGES} photos; this one has ${media.length}.`,
      );
    }
    if (media.length === 0) return createPost(request, undefined, {});
    const uploads = await uploadImages(request, media);
    const images = uploads.map((u) => u.image);
    const content: JsonValue =
      images.length === 1
        ? { media: { id: images[0]! } }
        : { multiImage: { images: images.map((id) => ({ id })) } };
    return createPost(request, content, { images: uploads });
  }

  /** A GET whose failure is reported, not thrown: reconcile turns it into `unknown`. */
  async function read(
    url: string,
    accessToken: string,
    signal?: AbortSignal,
  ): Promise<{ body: unknown } | { error: PublishError }> {
    try {
      const { body } = await send(url, { headers: restHeaders(accessToken) }, signal);
      return { body };
    } catch (error) {
      return {
        error: error instanceof PublishError ? error : classifyNetworkError(error, { timeoutMs }),
      };
    }
  }

  async function reconcile({
    account,
    content,
    progress,
    window,
    signal,
  }: ReconcileRequest): Promise<ReconcileOutcome> {
    const from = window.from.getTime() - RECONCILE_SLACK_MS;
    const to = window.to.getTime() + RECONCILE_SLACK_MS;
    const escaped = escapeLittleText(content.caption);
    for (let page = 0; page < MAX_FINDER_PAGES; page += 1) {
      const query = new URLSearchParams({
        author: account.externalId,
        q: 'author',
        count: String(FINDER_PAGE),
        start: String(page * FINDER_PAGE),
        sortBy: 'LAST_MODIFIED',
      });
      const result = await read(`${rest}/posts?${query.toString()}`, account.accessToken, signal);
      if ('error' in result) {
        const hint =
          result.error.kind === 'auth' && account.externalId.startsWith('urn:li:person:')
            ? ' (reading a member’s posts needs the r_member_social permission)'
            : '';
        return {
          status: 'unknown',
          reason: `Herald could not read the account's recent LinkedIn posts${hint}: ${result.error.message}`,
        };
      }
      const parsed = FinderResponse.safeParse(result.body);
      if (!parsed.success) {
        return {
          status: 'unknown',
          reason: "LinkedIn answered the account's posts in a form Herald does not understand.",
        };
      }
      const posts = parsed.data.elements;
      const match = posts.find((post) => {
        const at = post.createdAt ?? post.publishedAt;
        const inWindow = at === undefined || (at >= from && at <= to);
        const text = post.commentary ?? '';
        return inWindow && (text === escaped || unescapeLittleText(text) === content.caption);
      });
      if (match)
        return { status: 'published', post: { externalId: match.id, url: postUrl(match.id) } };
      // Newest change first: once a page reaches back past the window, older pages cannot match.
      const oldest = posts.at(-1)?.lastModifiedAt ?? posts.at(-1)?.createdAt;
      if (posts.length < FINDER_PAGE || (oldest !== undefined && oldest < from)) {
        const duplicate = progressOf(progress).duplicateOf;
        if (duplicate) {
          return {
            status: 'unknown',
            reason: `LinkedIn refused the post as a duplicate of ${postUrl(duplicate)}, which is not from this attempt's time: check whether that post is the one meant.`,
          };
        }
        return { status: 'not_published' };
      }
    }
    return {
      status: 'unknown',
      reason: `The account changed more than ${MAX_FINDER_PAGES * FINDER_PAGE} posts since the attempt; Herald stopped looking.`,
    };
  }

  async function refreshToken({
    refreshToken,
    signal,
  }: RefreshTokenRequest): Promise<RefreshedToken> {
    if (!config.clientId || !config.clientSecret) {
      throw new PermanentPublishError(
        'Herald has no LinkedIn app credentials to refresh tokens with.',
      );
    }
    if (!refreshToken) {
      throw new AuthPublishError(
        'This LinkedIn connection has no refresh token: reconnect the account before its access expires.',
      );
    }
    let response: Response;
    let body: unknown;
    try {
      response = await call(
        `${oauthBase}/oauth/v2/accessToken`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: refreshToken,
            client_id: config.clientId,
            client_secret: config.clientSecret,
          }),
        },
        signal,
      );
      body = parseJson(await response.text());
    } catch (error) {
      // Nothing changes at LinkedIn when a refresh is lost: it can simply be tried again.
      throw new RetryablePublishError('Herald could not reach LinkedIn to refresh the token.', {
        cause: error,
      });
    }
    const tokens = TokenResponse.safeParse(body);
    if (response.ok && tokens.success) {
      return {
        accessToken: tokens.data.access_token,
        expiresAt: new Date(clock().getTime() + tokens.data.expires_in * 1000),
        // LinkedIn hands the refresh token back (its 365 days keep running); store what it gives.
        ...(tokens.data.refresh_token ? { refreshToken: tokens.data.refresh_token } : {}),
      };
    }
    const oauth = OAuthError.safeParse(body);
    const detail = oauth.success
      ? `${oauth.data.error}${oauth.data.error_description ? `: ${oauth.data.error_description}` : ''}`
      : `HTTP ${response.status}`;
    if (oauth.success && oauth.data.error === 'invalid_grant') {
      throw new AuthPublishError(
        `LinkedIn refused to refresh the access (${detail}). Reconnect the account.`,
        { platformCode: 'invalid_grant' },
      );
    }
    if (response.status >= 500) {
      throw new RetryablePublishError(`LinkedIn could not refresh the token now (${detail}).`);
    }
    throw new PermanentPublishError(`LinkedIn refused the token refresh (${detail}).`, {
      platformCode: oauth.success ? oauth.data.error : `http_${response.status}`,
    });
  }

  return {
    platform: 'linkedin',
    rules: PLATFORM_RULES.linkedin,
    publish,
    reconcile: unknownOnFailure('LinkedIn', reconcile),
    fetchMetrics: (request) =>
      fetchLinkedInMetrics(
        async (url, { account, signal }) =>
          (await send(url, { headers: restHeaders(account.accessToken) }, signal)).body,
        rest,
        request,
      ),
    ...(config.clientId && config.clientSecret ? { refreshToken } : {}),
  };
}

function progressOf(progress: ProviderProgress | null): LinkedInProgress {
  const parsed = LinkedInProgress.safeParse(progress);
  return parsed.success ? parsed.data : {};
}

/**
 * The video upload an earlier attempt started, when it is for this file and can go on: the
 * same asset and size, and part URLs that still take bytes (or nothing left to send to them).
 * Else none, and the upload starts afresh (the old video stays unused, seen by nobody).
 */
function videoSoFar(
  progress: ProviderProgress | null,
  file: PublishMedia,
  now: Date,
): VideoProgress | undefined {
  const upload = progressOf(progress).video;
  if (!upload || upload.assetId !== file.assetId) return undefined;
  if (!coversFile(upload.parts, file.sizeBytes)) return undefined;
  const partsLeft = !upload.finalized && upload.parts.some((part) => !part.etag);
  if (
    partsLeft &&
    upload.uploadUrlsExpireAt !== undefined &&
    upload.uploadUrlsExpireAt <= now.getTime()
  ) {
    return undefined;
  }
  return structuredClone(upload);
}

/** The parts run from byte 0 to the file's last byte, each starting where the last ended. */
function coversFile(parts: readonly { firstByte: number; lastByte: number }[], size: number) {
  let next = 0;
  for (const part of parts) {
    if (part.firstByte !== next || part.lastByte < part.firstByte) return false;
    next = part.lastByte + 1;
  }
  return next === size;
}

/**
 * The uploads an earlier attempt made, when they are for the first of these photos (same assets,
 * same order); else none, and the photos start afresh (earlier images stay unused, seen by nobody).
 */
function uploadsSoFar(
  progress: ProviderProgress | null,
  photos: readonly PublishMedia[],
): UploadProgress[] {
  const uploads = progressOf(progress).images ?? [];
  const same =
    uploads.length <= photos.length && uploads.every((u, i) => photos[i]!.assetId === u.assetId);
  return same ? uploads.map((u) => ({ ...u })) : [];
}

/** A setup step shows nothing: an unanswered one is worth retrying; a refusal names the file. */
function rethrowAsSetup(file: PublishMedia) {
  return (error: unknown): never => {
    if (!(error instanceof PublishError)) throw error;
    if (error.kind === 'ambiguous') {
      throw new RetryablePublishError(error.message, {
        platformCode: error.platformCode,
        cause: error,
      });
    }
    if (error.kind === 'permanent') {
      throw new PermanentPublishError(`${file.name}: ${error.message}`, {
        platformCode: error.platformCode,
        cause: error,
      });
    }
    throw error;
  };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
