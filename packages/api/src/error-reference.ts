// One reference per unexpected error, shared by the message the client reads and the line the
// server logs, so support can find the details from what a user quotes.
import { newErrorReference } from './shared.ts';

const references = new WeakMap<object, string>();

/** The error's reference, made on first use; the formatter and onError may ask in any order. */
export function errorReference(error: object): string {
  let reference = references.get(error);
  if (!reference) {
    reference = newErrorReference();
    references.set(error, reference);
  }
  return reference;
}
