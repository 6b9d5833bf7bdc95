// The catcher's pages and API (node:http): a list of messages, one message (its text, and its
// HTML in a sandboxed iframe under a CSP that loads nothing from anywhere), the raw .eml, and
// JSON for tests. Meant for 127.0.0.1 only: there is no sign-in.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CaughtMessage, MessageStore } from './store.ts';

// srcdoc frames inherit this policy: an email's HTML gets its inline styles and data: images,
// and nothing else — no scripts (the sandbox forbids them too), no remote images or fonts.
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Plain text as HTML, its http(s) links clickable. */
function linkify(text: string): string {
  return text
    .split(/(https?:\/\/[^\s<>"']+)/g)
    .map((part, i) =>
      i % 2 === 1
        ? `<a href="${escapeHtml(part)}" target="_blank" rel="noopener noreferrer">${escapeHtml(part)}</a>`
        : escapeHtml(part),
    )
    .join('');
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#111;background:#f6f7f9}
header{background:#1e293b;color:#fff;padding:12px 24px;display:flex;gap:16px;align-items:center}
header a{color:#fff} main{padding:16px 24px;max-width:1000px}
table{border-collapse:collapse;width:100%;background:#fff}
td,th{text-align:left;padding:8px;border-bottom:1px solid #e2e8f0;vertical-align:top}
.muted{color:#64748b} pre{white-space:pre-wrap;background:#fff;padding:12px;border:1px solid #e2e8f0}
iframe{width:100%;height:480px;border:1px solid #e2e8f0;background:#fff}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px} dt{color:#64748b}
button{font:inherit}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — Herald mail</title>
<style>${STYLE}</style></head>
<body><header><strong>Herald mail catcher</strong><a href="/">All messages</a>
<span class="muted">Nothing here was delivered: every email Herald sends in development lands here.</span></header>
<main>${body}</main></body></html>`;
}

function listPage(messages: CaughtMessage[]): string {
  if (messages.length === 0) {
    return page('Messages', '<h1>Messages</h1><p class="muted">No messages yet.</p>');
  }
  const rows = messages
    .map(
      (
        m,
      ) => `<tr><td><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject || '(no subject)')}</a></td>
<td>${escapeHtml(m.to.join(', '))}</td><td>${escapeHtml(m.from)}</td><td class="muted">${escapeHtml(m.receivedAt)}</td></tr>`,
    )
    .join('\n');
  return page(
    'Messages',
    `<h1>Messages (${messages.length})</h1>
<form method="post" action="/messages/delete"><button type="submit">Delete all</button></form>
<table><thead><tr><th>Subject</th><th>To</th><th>From</th><th>Received</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}

function messagePage(m: CaughtMessage, hasRaw: boolean): string {
  // Links in the email open in a new tab; the sandbox allows that and nothing else.
  const srcdoc = m.html ? `<base target="_blank">${m.html}` : null;
  return page(
    m.subject,
    `<h1>${escapeHtml(m.subject || '(no subject)')}</h1>
<dl><dt>From</dt><dd>${escapeHtml(m.from)}</dd><dt>To</dt><dd>${escapeHtml(m.to.join(', '))}</dd>
<dt>Received</dt><dd>${escapeHtml(m.receivedAt)}</dd><dt>Size</dt><dd>${m.size} bytes</dd></dl>
${hasRaw ? `<p><a href="/messages/${encodeURIComponent(m.id)}.eml">Download .eml</a></p>` : ''}
${srcdoc ? `<h2>HTML</h2><iframe title="HTML body" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${escapeHtml(srcdoc)}"></iframe>` : ''}
<h2>Text</h2><pre>${linkify(m.text)}</pre>`,
  );
}

const headers = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function send(res: ServerResponse, status: number, type: string, body: string | Buffer) {
  res.writeHead(status, { ...headers, 'content-type': type });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
const html = (res: ServerResponse, status: number, body: string) =>
  send(res, status, 'text/html; charset=utf-8', body);

export function createWebHandler(store: MessageStore) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://catcher.invalid');
    const method = req.method ?? 'GET';
    const one = /^\/(api\/)?messages\/([\w-]+?)(\.eml)?$/.exec(url.pathname);
    try {
      if (method === 'GET' && url.pathname === '/') return html(res, 200, listPage(store.list()));
      if (method === 'GET' && url.pathname === '/api/messages') {
        return json(res, 200, { messages: store.list() });
      }
      if (method === 'DELETE' && url.pathname === '/api/messages') {
        await store.clear();
        res.writeHead(204, headers).end();
        return;
      }
      if (method === 'POST' && url.pathname === '/messages/delete') {
        await store.clear();
        res.writeHead(303, { ...headers, location: '/' }).end();
        return;
      }
      if (method === 'GET' && one) {
        const [, api, id, eml] = one;
        const message = store.get(id!);
        if (!message) {
          return api
            ? json(res, 404, { error: `No message ${id}.` })
            : html(res, 404, page('Not found', '<h1>No such message</h1>'));
        }
        if (api) return json(res, 200, message);
        const raw = await store.raw(id!);
        if (eml) {
          if (!raw) return html(res, 404, page('Not found', '<h1>Not kept on disk</h1>'));
          res.writeHead(200, {
            ...headers,
            'content-type': 'message/rfc822',
            'content-disposition': `attachment; filename="${id}.eml"`,
          });
          res.end(raw);
          return;
        }
        return html(res, 200, messagePage(message, raw !== null));
      }
      html(res, 404, page('Not found', '<h1>Not found</h1>'));
    } catch (error) {
      html(res, 500, page('Error', `<h1>Error</h1><pre>${escapeHtml(String(error))}</pre>`));
    }
  };
}
