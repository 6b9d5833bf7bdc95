// What the API and the browser must agree on, in a file with no imports so the client bundle
// can use it (@herald/api/shared).

/** The most calls one HTTP request may batch; the web client's batch link sends no more. */
export const MAX_BATCH_SIZE = 20;

/** A short id that a person can read out to support and we can find in the server log. */
export function newErrorReference(): string {
  return crypto.randomUUID().slice(0, 8);
}

/** What anyone sees of an unexpected error: never its message, which may carry internals. */
export function unexpectedErrorMessage(reference: string | null): string {
  return reference
    ? `Something went wrong on our side. Quote reference ${reference} if you contact support.`
    : 'Something went wrong on our side. Try again in a moment.';
}
