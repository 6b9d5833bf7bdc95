// Why an uploaded file cannot become media, as data: a reason the service can record and a
// sentence the person who uploaded it can act on.

export type MediaRejectionReason =
  'unsupported' | 'corrupt' | 'too_large' | 'mislabelled' | 'too_many_pixels' | 'unreadable';

/** The file cannot become media; `message` is a sentence shown to the person who uploaded it. */
export class MediaRejectedError extends Error {
  readonly reason: MediaRejectionReason;

  constructor(reason: MediaRejectionReason, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'MediaRejectedError';
    this.reason = reason;
  }
}

/**
 * ffmpeg or ffprobe cannot be run on this machine: an operator's problem, never the uploader's,
 * so it is not a MediaRejectedError (the job should fail and be retried once it is installed).
 */
export class MediaToolMissingError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'MediaToolMissingError';
  }
}
