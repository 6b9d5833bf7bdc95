// Limits the browser must agree with, in a file with no imports so the client bundle can use it.

/** The most calls one HTTP request may batch; the web client's batch link sends no more. */
export const MAX_BATCH_SIZE = 20;
