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

/**
 * The nonce for <style> elements the component library adds (its theme variables, responsive
 * props). In the browser the attribute reads empty but a script's `nonce` property still holds
 * it, and styles mounted after hydration need it too.
 */
export function useStyleNonce(): string {
  const nonce = useNonce();
  if (nonce || typeof document === 'undefined') return nonce;
  return document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
}
