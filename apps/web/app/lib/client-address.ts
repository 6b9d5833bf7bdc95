// Who is asking, for sign-in throttling. Our HTTP server (server.mjs) puts the socket's peer
// address into the request context. Behind proxies that peer is the nearest proxy, so with
// TRUST_PROXY=N the client is the N-th X-Forwarded-For entry from the right: each proxy appends
// the address it saw, and the entries a client can forge are on the left.
import { createContext } from 'react-router';

/** The TCP peer of this request, set by server.mjs; null under the Vite dev server. */
export const socketAddressContext = createContext<string | null>(null);

/** The key shared by every request whose address cannot be known (the dev server). */
export const UNKNOWN_CLIENT = 'unknown-client';

export function clientAddress(
  headers: Headers,
  socketAddress: string | null,
  trustedProxies: number,
): string {
  const normalise = (address: string | null | undefined) =>
    address && address.length <= 64 ? address.replace(/^::ffff:/, '').toLowerCase() : null;
  if (trustedProxies <= 0) return normalise(socketAddress) ?? UNKNOWN_CLIENT;
  const hops = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  // Fewer hops than trusted proxies: the request did not come through them all, so the peer
  // itself is the best we know.
  return normalise(hops[hops.length - trustedProxies] ?? socketAddress) ?? UNKNOWN_CLIENT;
}
