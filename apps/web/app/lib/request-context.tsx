// Per-request values the server render needs, handed from entry.server to components. In the
// browser they are empty: a nonce attribute is hidden once the page loads, so '' matches.
import { createContext, useContext } from 'react';

/** The CSP nonce for React Router's inline scripts. */
export const NonceContext = createContext('');

/** The reference of the unexpected error this page shows, if any. */
export const ErrorReferenceContext = createContext<string | null>(null);

export function useNonce(): string {
  return useContext(NonceContext);
}
