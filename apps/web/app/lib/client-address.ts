// Who is asking, for sign-in throttling. React Router's Node server (react-router-serve) hands
// loaders a Fetch Request without the socket's address, so the only source is X-Forwarded-For,
// and only when the operator says proxies write it. Each proxy appends the address it saw, so
// the entries a client can forge are on the left: with N trusted proxies the client is the
// N-th entry from the right.

/** The key shared by every request whose address cannot be known (no trusted proxy). */
export const UNKNOWN_CLIENT = 'unknown-client';

export function clientAddress(headers: Headers, trustedProxies: number): string {
  if (trustedProxies <= 0) return UNKNOWN_CLIENT;
  const hops = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  const address = hops[hops.length - trustedProxies];
  // More proxies configured than hops present: the request did not come through them all.
  if (!address || address.length > 64) return UNKNOWN_CLIENT;
  return address.toLowerCase();
}
