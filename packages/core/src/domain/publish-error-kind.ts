/** How a failed publish is classified; see providers/errors.ts for what each means. */
export type PublishErrorKind = 'retryable' | 'rate_limited' | 'auth' | 'permanent' | 'ambiguous';
