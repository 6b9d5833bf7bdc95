// Security headers: a nonce-based Content-Security-Policy on HTML, and the headers that are
// safe on any response (no framing, no MIME sniffing, a referrer policy, HSTS over TLS).
import { randomBytes } from 'node:crypto';
import type { StorageSettings } from '@herald/core/storage';

/** A fresh nonce per response; React Router's inline scripts carry it (entry.server, root). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Where the browser loads media from and uploads to when it is not this site: the S3 bucket's
 * public origin. Null for local storage (served by this app).
 */
export function mediaOrigin(settings: StorageSettings): string | null {
  if (!settings.S3_BUCKET) return null;
  const endpoint = settings.S3_PUBLIC_ENDPOINT ?? settings.S3_ENDPOINT;
  if (endpoint) return new URL(endpoint).origin;
  return `https://${settings.S3_BUCKET}.s3.${settings.S3_REGION}.amazonaws.com`;
}

export function contentSecurityPolicy(
  nonce: string,
  development: boolean,
  media: string | null = null,
): string {
  const extra = media ? ` ${media}` : '';
  const directives = development
    ? // Vite's dev server injects inline scripts and styles and talks over a WebSocket;
      // a nonce would switch 'unsafe-inline' off, so development goes without one.
      {
        'script-src': "'self' 'unsafe-inline' 'unsafe-eval'",
        'style-src': "'self' 'unsafe-inline'",
        'connect-src': `'self' ws: wss:${extra}`,
      }
    : {
        'script-src': `'self' 'nonce-${nonce}'`,
        // Style sheets and <style> elements need the nonce (Mantine's theme variables carry
        // it); style="" attributes may be inline, since the component library sets its sizes
        // through them. They cannot run script (docs/decisions/0036).
        'style-src': `'self' 'nonce-${nonce}'`,
        'style-src-attr': "'unsafe-inline'",
        'connect-src': `'self'${extra}`,
      };
  return Object.entries({
    'default-src': "'self'",
    ...directives,
    'img-src': `'self' data: blob:${extra}`,
    'media-src': `'self' blob:${extra}`,
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
  options: { request: Request; nonce: string; development: boolean; mediaOrigin?: string | null },
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
      ? contentSecurityPolicy(options.nonce, options.development, options.mediaOrigin ?? null)
      : "default-src 'none'; frame-ancestors 'none'",
  );
  if (servedOverTls(options.request)) {
    headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  }
  return response;
}
