// How a failed publish is classified; see providers/errors.ts for what each means.
export const PUBLISH_ERROR_KINDS = [
  'retryable',
  'rate_limited',
  'auth',
  'permanent',
  'ambiguous',
] as const;
export type PublishErrorKind = (typeof PUBLISH_ERROR_KINDS)[number];
