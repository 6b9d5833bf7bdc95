// Security headers: a nonce-based Content-Security-Policy on HTML, and the headers that are
// safe on any response (no framing, no MIME sniffing, a referrer policy, HSTS over TLS).
import { randomBytes } from 'node:crypto';

/** A fresh nonce per response; React Router's inline scripts carry it (entry.server, root). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(nonce: string, development: boolean): string {
  const directives = development
    ? // Vite's dev server injects inline scripts and styles and talks over a WebSocket;
      // a nonce would switch 'unsafe-inline' off, so development goes without one.
      {
        'script-src': "'self' 'unsafe-inline' 'unsafe-eval'",
        'style-src': "'self' 'unsafe-inline'",
        'connect-src': "'self' ws: wss:",
      }
    : {
        'script-src': `'self' 'nonce-${nonce}'`,
        'style-src': "'self'",
        'connect-src': "'self'",
      };
  return Object.entries({
    'default-src': "'self'",
    ...directives,
    'img-src': "'self' data:",
    'font-src': "'self'",
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'self'",
    'frame-ancestors': "'none'",
  })
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

/** Served over TLS, directly or behind a proxy that says so (HSTS over plain HTTP is ignored). */
export function servedOverTls(request: Request): boolean {
  return (
    new URL(request.url).protocol === 'https:' ||
    request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https'
  );
}

export function applySecurityHeaders(
  response: Response,
  options: { request: Request; nonce: string; development: boolean },
): Response {
  let headers = response.headers;
  try {
    headers.set('X-Content-Type-Options', 'nosniff');
  } catch {
    // Headers of a fetched Response are immutable: copy it.
    response = new Response(response.body, response);
    headers = response.headers;
  }
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('X-Frame-Options', 'DENY');
  headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  const html = headers.get('content-type')?.startsWith('text/html') ?? false;
  headers.set(
    'Content-Security-Policy',
    html
      ? contentSecurityPolicy(options.nonce, options.development)
      : "default-src 'none'; frame-ancestors 'none'",
  );
  if (servedOverTls(options.request)) {
    headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  }
  return response;
}
