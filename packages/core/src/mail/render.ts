// A notification as an email: plain text for every client, and a simple HTML version with the
// same words and one button. Only the notification's own words and a link go in — never a
// token, which no notification holds.

export interface NotificationEmail {
  /** The notification's title, the subject line. */
  title: string;
  body: string;
  /** What the person should do, as a link (an absolute URL). */
  action?: { label: string; url: string };
  recipientName: string;
  organizationName: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function renderNotificationEmail(email: NotificationEmail): RenderedEmail {
  const footer = `You get this email as an owner or admin of ${email.organizationName} on Herald.`;
  const text = [
    `Hello ${email.recipientName},`,
    '',
    email.body,
    ...(email.action ? ['', `${email.action.label}: ${email.action.url}`] : []),
    '',
    '-- ',
    footer,
    '',
  ].join('\n');
  const button = email.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(email.action.url)}" style="background:#1d4ed8;color:#ffffff;padding:10px 16px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(email.action.label)}</a></p>
<p style="color:#555;font-size:13px">Or open this link: ${escapeHtml(email.action.url)}</p>`
    : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(email.title)}</title></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#111;line-height:1.5;max-width:560px;margin:0 auto;padding:24px">
<h1 style="font-size:20px">${escapeHtml(email.title)}</h1>
<p>Hello ${escapeHtml(email.recipientName)},</p>
<p>${escapeHtml(email.body)}</p>
${button}
<hr style="border:none;border-top:1px solid #ddd;margin:24px 0">
<p style="color:#555;font-size:13px">${escapeHtml(footer)}</p>
</body></html>
`;
  return { subject: email.title, text, html };
}
