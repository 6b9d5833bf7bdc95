// Server-rendered pages: the list at `/` and the per-post pages platforms link to. Every value
// from a request goes through escapeHtml, because messages are whatever a client sent.
import { SANDBOX_PLATFORMS, type Fault } from './faults.ts';
import type { RecordedPost, SandboxStore } from './store.ts';
import { tokenOwner } from './tokens.ts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function layout(title: string, body: string, options: { refreshSeconds?: number } = {}) {
  const refresh = options.refreshSeconds
    ? `\n<meta http-equiv="refresh" content="${options.refreshSeconds}">`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">${refresh}
<title>${escapeHtml(title)}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  .message { white-space: pre-wrap; }
  .muted { color: #777; }
  .media img, .media video { display: block; max-width: 100%; margin: .6rem 0; }
  .thumb { width: 96px; height: 96px; object-fit: cover; background: #eee; vertical-align: top; }
  .thumbs { display: flex; flex-wrap: wrap; gap: .3rem; margin-top: .3rem; }
  .thumbs a { text-decoration: none; }
  nav a { margin-right: .8rem; }
  nav a.current { font-weight: 600; color: #222; text-decoration: none; }
  section { margin-top: 2rem; }
  h2 { margin-bottom: .2rem; }
  h3 { margin: 1.2rem 0 .3rem; font-size: 1rem; }
  code { font-size: .9em; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The permalink path of a post, relative to the sandbox's URL. */
export const postPath = (post: Pick<RecordedPost, 'platform' | 'id'>) =>
  `/${post.platform}/posts/${encodeURIComponent(post.id)}`;

/** Where the sandbox serves a file a platform kept (a photo, a video), relative to its URL. */
export const mediaPath = (post: Pick<RecordedPost, 'platform'>, mediaId: string) =>
  `/${post.platform}/media/${encodeURIComponent(mediaId)}`;

export interface IndexPageOptions {
  /** Only this platform's posts and faults (`/?platform=x`). */
  platform?: string | undefined;
}

/**
 * Everything the sandbox holds at `/`: posts grouped by platform, then account (the account
 * posted to last first), newest first, with their media from the sandbox's own URLs; then the
 * faults waiting and the tokens revoked. It knows nothing of any platform: anything recorded
 * through the store shows.
 */
export function indexPage(store: SandboxStore, options: IndexPageOptions = {}): string {
  const all = newestFirst(store.posts());
  const wanted = options.platform;
  const posts = wanted === undefined ? all : all.filter((p) => p.platform === wanted);
  const groups = groupBy(posts, (p) => p.platform).sort(
    (a, b) => platformOrder(a.key) - platformOrder(b.key) || a.key.localeCompare(b.key),
  );
  const body = groups.length
    ? groups.map((g) => platformSection(store, g.key, g.items)).join('\n')
    : `<p class="muted">${wanted === undefined ? 'Nothing has been published yet.' : `Nothing has been published to ${escapeHtml(wanted)} yet.`}</p>`;
  return layout(
    'Herald platform sandbox',
    `<h1>Herald platform sandbox</h1>
<p class="muted">What the emulated platforms accepted, newest first. This page refreshes every 3 seconds.</p>
${platformNav(all, wanted)}
${body}
${controlSection(store, wanted)}`,
    { refreshSeconds: 3 },
  );
}

function platformNav(posts: RecordedPost[], current: string | undefined): string {
  const counts = groupBy(posts, (p) => p.platform).sort(
    (a, b) => platformOrder(a.key) - platformOrder(b.key) || a.key.localeCompare(b.key),
  );
  const link = (href: string, label: string, isCurrent: boolean) =>
    `<a href="${escapeHtml(href)}"${isCurrent ? ' class="current" aria-current="page"' : ''}>${escapeHtml(label)}</a>`;
  const links = [
    link('/', `All (${posts.length})`, current === undefined),
    ...counts.map((g) =>
      link(
        `/?platform=${encodeURIComponent(g.key)}`,
        `${g.key} (${g.items.length})`,
        g.key === current,
      ),
    ),
  ];
  return `<nav>${links.join('\n')}</nav>`;
}

function platformSection(store: SandboxStore, platform: string, posts: RecordedPost[]): string {
  // Groups keep the order of their newest post, so the account posted to last comes first.
  const accounts = groupBy(posts, (p) => p.accountId)
    .map(
      (
        account,
      ) => `<h3>Account <code>${escapeHtml(account.key)}</code> <span class="muted">· ${plural(account.items.length, 'post')}</span></h3>
<table>
<thead><tr><th>Post</th><th>Content</th><th>Time (UTC)</th></tr></thead>
<tbody>
${account.items.map((p) => postRow(store, p)).join('\n')}
</tbody>
</table>`,
    )
    .join('\n');
  return `<section id="platform-${escapeHtml(platform)}">
<h2>${escapeHtml(platform)}</h2>
${accounts}
</section>`;
}

function postRow(store: SandboxStore, post: RecordedPost): string {
  const title = post.title ? `<strong>${escapeHtml(post.title)}</strong><br>` : '';
  const link = post.link ? `<div class="muted">${escapeHtml(post.link)}</div>` : '';
  return `<tr>
  <td><a href="${escapeHtml(postPath(post))}">${escapeHtml(post.id)}</a></td>
  <td><div class="message">${title}${escapeHtml(post.message)}</div>${link}${thumbnails(store, post)}</td>
  <td><time datetime="${escapeHtml(post.createdAt)}">${escapeHtml(post.createdAt)}</time></td>
</tr>`;
}

/** The post's photos and videos, served by the sandbox itself (each platform's /media/{id}). */
function thumbnails(store: SandboxStore, post: RecordedPost): string {
  const media = post.media ?? [];
  if (media.length === 0) return '';
  const items = media.map(({ id, kind }, i) => {
    const kept = store.findMedia(post.platform, id);
    const name = `${kind === 'video' ? 'Video' : 'Image'} ${i + 1} of ${media.length}`;
    if (!kept) return `<span class="muted">${name} (file not kept)</span>`;
    const src = escapeHtml(mediaPath(post, id));
    if (kept.kind === 'video') {
      // The page reloads every few seconds, so a player here would keep stopping: the first
      // frame as a still, and a link to the file to watch it.
      return `<a href="${src}" title="${escapeHtml(`${name}, ${kept.contentType}, ${megabytes(kept.sizeBytes)}`)}"><video class="thumb" src="${src}#t=0.1" preload="metadata" muted playsinline></video><br>▶ play</a>`;
    }
    return `<a href="${src}"><img class="thumb" src="${src}" alt="${escapeHtml(name)}" loading="lazy"></a>`;
  });
  return `<div class="thumbs">${items.join('')}</div>`;
}

function controlSection(store: SandboxStore, platform: string | undefined): string {
  const mine = <T extends { platform: string }>(items: T[]) =>
    platform === undefined ? items : items.filter((i) => i.platform === platform);
  const faults = mine(store.queuedFaults()).map(
    (f) =>
      `<li><strong>${escapeHtml(f.platform)}</strong> ${escapeHtml(f.on)} requests${f.account === undefined ? '' : ` of account <code>${escapeHtml(f.account)}</code>`}: ${escapeHtml(describeFault(f.fault))}, ${f.remaining === 1 ? 'the next one' : `the next ${f.remaining}`}</li>`,
  );
  const chaos = mine(store.chaos()).map(
    (c) =>
      `<li><strong>${escapeHtml(c.platform)}</strong> ${escapeHtml(c.on)} requests: chaos, ${Math.round(c.rate * 100)}% fail with one of ${escapeHtml(c.faults.map(describeFault).join('; '))} (seed ${c.seed})</li>`,
  );
  const accounts = mine(store.revokedAccounts()).map(
    (a) =>
      `<li><strong>${escapeHtml(a.platform)}</strong> account <code>${escapeHtml(a.account)}</code>: every token issued before now (subcode ${a.subcode})</li>`,
  );
  const tokens = store
    .revokedTokens()
    .map((t) => ({ ...t, owner: tokenOwner(t.token) }))
    .filter((t) => platform === undefined || t.owner?.platform === platform)
    .map(
      (t) =>
        `<li>${t.owner ? `<strong>${escapeHtml(t.owner.platform)}</strong> account <code>${escapeHtml(t.owner.accountId)}</code>: ` : ''}token <code>${escapeHtml(maskToken(t.token))}</code> (subcode ${t.subcode})</li>`,
    );
  const list = (items: string[], none: string) =>
    items.length ? `<ul>\n${items.join('\n')}\n</ul>` : `<p class="muted">${none}</p>`;
  return `<section id="faults">
<h2>Faults</h2>
${list([...faults, ...chaos], 'No faults waiting.')}
</section>
<section id="revoked">
<h2>Revoked</h2>
${list([...accounts, ...tokens], 'No tokens revoked.')}
</section>`;
}

function describeFault(fault: Fault): string {
  switch (fault.type) {
    case 'graph_error':
      return `error ${fault.status} code ${fault.code}${fault.subcode === undefined ? '' : `/${fault.subcode}`}`;
    case 'http_status':
      return `bare HTTP ${fault.status}`;
    case 'delay':
      return `answer ${fault.ms} ms late`;
    case 'drop_connection':
      return fault.afterAccepting ? 'hang up after acting' : 'hang up';
  }
}

/** Enough of a token to tell which it is, not the whole string (a habit, like the log's). */
function maskToken(token: string): string {
  const cut = token.lastIndexOf('-');
  return cut > 0 ? `${token.slice(0, cut + 1)}…` : `${token.slice(0, 4)}…`;
}

function newestFirst(posts: RecordedPost[]): RecordedPost[] {
  // Reversed first, so posts recorded in the same millisecond keep newest-first order.
  return posts.reverse().sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || 0);
}

/** Groups in the order each key first appears. */
function groupBy<T>(items: T[], key: (item: T) => string): Array<{ key: string; items: T[] }> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups].map(([k, v]) => ({ key: k, items: v }));
}

/** Known platforms in their usual order; others after them, by name. */
function platformOrder(platform: string): number {
  const index = (SANDBOX_PLATFORMS as readonly string[]).indexOf(platform);
  return index === -1 ? SANDBOX_PLATFORMS.length : index;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;
