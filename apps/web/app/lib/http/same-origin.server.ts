// Cross-site request forgery check for state-changing requests: the browser says where a
// request comes from (Origin, or Referer when Origin is absent) and it must be this site.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** This site's origin as the browser sees it. Behind a trusted proxy, from its forwarded headers. */
export function expectedOrigin(request: Request, trustProxy: boolean): string {
  const url = new URL(request.url);
  if (!trustProxy) return url.origin;
  const first = (name: string) => request.headers.get(name)?.split(',')[0]?.trim() || null;
  const proto = first('x-forwarded-proto') ?? url.protocol.replace(/:$/, '');
  const host = first('x-forwarded-host') ?? url.host;
  return new URL(`${proto}://${host}`).origin;
}

/**
 * True when a state-changing request comes from another site. A browser always names the
 * origin of a cross-site POST (Origin, or at least Referer or Sec-Fetch-Site); a request that
 * names none comes from a script or a tool, which has no victim's cookies to ride on.
 */
export function isCrossSiteRequest(request: Request, trustProxy: boolean): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
  const expected = expectedOrigin(request, trustProxy);
  const origin = request.headers.get('origin');
  // "null" is what sandboxed frames and data: pages send: never this site.
  if (origin !== null) return origin !== expected;
  const referer = request.headers.get('referer');
  if (referer !== null) return originOf(referer) !== expected;
  const fetchSite = request.headers.get('sec-fetch-site');
  return fetchSite !== null && fetchSite !== 'same-origin' && fetchSite !== 'none';
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export function crossSiteRefusal(): Response {
  return new Response('This request came from another site, so it was refused.\n', {
    status: 403,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}
