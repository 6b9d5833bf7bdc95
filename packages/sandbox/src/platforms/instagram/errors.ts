// Instagram's Graph API errors, in the envelope Graph uses for every product (../facebook/errors.ts).
// Codes and subcodes are from Meta's Instagram Platform "Error Codes" reference
// (developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes);
// where that page gives only a user message, the sandbox uses it as the message too.
import type { GraphError } from '../facebook/errors.ts';

const oauth = (
  code: number,
  message: string,
  extra: Partial<GraphError> = {},
  status = 400,
): GraphError => ({ status, code, type: 'OAuthException', message, ...extra });

/** An Instagram error with a subcode and the user-facing text Graph puts beside it. */
const ig = (code: number, subcode: number, title: string, userMsg: string): GraphError =>
  oauth(code, userMsg, { subcode, userTitle: title, userMsg, isTransient: false });

export const instagramErrors = {
  /** The media URL could not be fetched at all (refused, not found, not http). */
  unfetchableMedia: () =>
    ig(
      9004,
      2207052,
      'Media download has failed',
      'The media could not be fetched from this URI. Please check that the URI is publicly accessible.',
    ),
  imageTooLarge: () =>
    ig(
      36000,
      2207004,
      'Image size too large',
      'The image is too large to download. It should be less than 8 MiB.',
    ),
  /** Instagram takes JPEG only. */
  imageFormat: () =>
    ig(
      36001,
      2207005,
      'Unsupported image format',
      'The image format is not supported. Supported formats are: JPEG.',
    ),
  aspectRatio: (ratio: string) =>
    ig(
      36003,
      2207009,
      'Cannot publish image',
      `The submitted image with aspect ratio ('${ratio}') cannot be published. Please submit an image with a valid aspect ratio.`,
    ),
  captionTooLong: (what: string) =>
    ig(
      36004,
      2207010,
      'Caption too long',
      `The caption is too long (${what}). A caption can have at most 2,200 characters, 30 hashtags and 20 @ tags.`,
    ),
  unknownMediaType: (type: string) =>
    ig(100, 2207023, 'Unknown media type', `The media type ${type} is unknown.`),
  expired: () =>
    ig(
      -2,
      2207020,
      'Media expired',
      'The media you are trying to access has expired. Please try to upload again.',
    ),
  notReady: () =>
    ig(
      9007,
      2207027,
      'Media ID is not available',
      'The media is not ready for publishing, please wait for a moment.',
    ),
  publishLimit: () =>
    ig(
      9,
      2207042,
      'Limit reached',
      'You reached maximum number of posts that is allowed to be published by Content Publishing API.',
    ),
  // Sandbox wording for the checks below: Meta's reference lists no code of its own for them.
  carouselChildren: (count: number) =>
    oauth(100, `(#100) A carousel takes 2 to 10 children; ${count} were given.`),
  invalidChild: (id: string) =>
    oauth(100, `(#100) Param children must contain valid carousel item container ids: ${id}`),
  missingClientId: () => oauth(101, 'Missing client_id parameter.'),
  missingClientSecret: () => oauth(1, 'Missing client_secret parameter.'),
  unsupportedGrant: () => oauth(100, '(#100) Unsupported grant_type.'),
};

/** `status` of a container that failed: Graph reports the subcode in text. */
export const containerFailure = (subcode: number) =>
  `Error: Media upload has failed with error code ${subcode}`;
