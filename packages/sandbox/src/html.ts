// Server-rendered pages: the list at `/` and the per-post pages platforms link to. Every value
// from a request goes through escapeHtml, because messages are whatever a client sent.
import type { RecordedPost } from './store.ts';

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
  .thumb { display: block; width: 64px; height: 64px; object-fit: cover; margin-top: .3rem; }
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

/** A small picture of a post's first photo, or a word for a video, for the list. */
function thumbnail(post: RecordedPost): string {
  const first = post.media?.[0];
  if (!first) return '';
  if (first.kind === 'video') return '<br><span class="muted">▶ video</span>';
  const more = post.media!.length > 1 ? ` (+${post.media!.length - 1})` : '';
  return `<img class="thumb" src="${escapeHtml(mediaPath(post, first.id))}" alt="">${more ? `<span class="muted">${more}</span>` : ''}`;
}

export function indexPage(posts: RecordedPost[]): string {
  const rows = [...posts]
    .reverse()
    .map(
      (p) => `<tr>
  <td>${escapeHtml(p.platform)}</td>
  <td>${escapeHtml(p.accountId)}</td>
  <td><a href="${escapeHtml(postPath(p))}">${escapeHtml(p.id)}</a></td>
  <td class="message">${escapeHtml(p.message)}${p.link ? `<br><span class="muted">${escapeHtml(p.link)}</span>` : ''}${thumbnail(p)}</td>
  <td><time datetime="${escapeHtml(p.createdAt)}">${escapeHtml(p.createdAt)}</time></td>
</tr>`,
    )
    .join('\n');
  const table = posts.length
    ? `<table>
<thead><tr><th>Platform</th><th>Page</th><th>Post</th><th>Message</th><th>Time (UTC)</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : '<p class="muted">Nothing has been published yet.</p>';
  return layout(
    'Herald platform sandbox',
    `<h1>Herald platform sandbox</h1>
<p class="muted">What the emulated platforms accepted, newest first. This page refreshes every 3 seconds.</p>
${table}`,
    { refreshSeconds: 3 },
  );
}
