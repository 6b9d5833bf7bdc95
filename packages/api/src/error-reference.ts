// One reference per unexpected error, shared by the message the client reads and the line the
// server logs, so support can find the details from what a user quotes.
import { randomUUID } from 'node:crypto';

const references = new WeakMap<object, string>();

/** The error's reference, made on first use; the formatter and onError may ask in any order. */
export function errorReference(error: object): string {
  let reference = references.get(error);
  if (!reference) {
    reference = randomUUID().slice(0, 8);
    references.set(error, reference);
  }
  return reference;
}

export const UNEXPECTED_ERROR_MESSAGE = (reference: string) =>
  `Something went wrong on our side. Quote reference ${reference} if you contact support.`;
