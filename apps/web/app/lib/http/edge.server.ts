// The web app's edge, run before every route (root middleware): cross-site and body-size
// checks for state-changing requests, a CSP nonce per request, security headers on every
// response, and the reference of an unexpected error (entry.server's handleError) as a header.
import { createContext, type MiddlewareFunction } from 'react-router';
import { getEnv } from '../../env.server.ts';
import { refuseOversizedBody } from './body-limit.server.ts';
import { crossSiteRefusal, isCrossSiteRequest } from './same-origin.server.ts';
import { applySecurityHeaders, createNonce, mediaOrigin } from './security-headers.server.ts';

/** The nonce this response's CSP allows; entry.server hands it to React's inline scripts. */
export const nonceContext = createContext<string | null>(null);

/** Filled by handleError when a loader, action or render fails unexpectedly. */
export const errorReferenceContext = createContext<{ current: string | null } | null>(null);

export const edgeMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  const env = getEnv();
  const development = env.NODE_ENV === 'development';
  const nonce = createNonce();
  const errorReference = { current: null as string | null };
  // Development's CSP allows inline scripts without one (Vite's), so no nonce is rendered.
  context.set(nonceContext, development ? null : nonce);
  context.set(errorReferenceContext, errorReference);

  const refusal = isCrossSiteRequest(request, env.TRUST_PROXY > 0)
    ? crossSiteRefusal()
    : isMediaUpload(request)
      ? null // its signed URL fixes its size, and the media route holds it to that
      : await refuseOversizedBody(request);
  let response = refusal ?? (await next());
  response = applySecurityHeaders(response, {
    request,
    nonce,
    development,
    mediaOrigin: mediaOrigin(env.storage),
  });
  if (errorReference.current) response.headers.set('X-Error-Reference', errorReference.current);
  return response;
};

function isMediaUpload(request: Request): boolean {
  return (
    request.method.toUpperCase() === 'PUT' && new URL(request.url).pathname.startsWith('/media/')
  );
}
