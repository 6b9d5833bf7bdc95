/**
 * `to` when it is a path on this site, else `fallback`. A `redirectTo` comes from the URL,
 * so without this check a crafted sign-in link could send people to another site.
 */
export function safeRedirect(to: unknown, fallback = '/'): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//')) return fallback;
  // Backslashes and control characters are read as "//" or dropped by some browsers.
  if (/[\\\p{Cc}]/u.test(to)) return fallback;
  const base = 'http://herald.invalid';
  const url = new URL(to, base);
  if (url.origin !== base) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
