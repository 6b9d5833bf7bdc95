// The emails of a person's account: verify the address, reset the password, join a team.
// Each carries one link with a one-time token; the token is in the link and nowhere else.
import { escapeHtml, type MailMessage } from '../mail/index.ts';
import type { Mailer } from '../mail/mailer.ts';

export interface AccountMailDeps {
  mailer: Mailer;
  /** The app's public origin, e.g. https://herald.example; links are built on it. */
  publicUrl: string;
  /** Server log: a mail that could not be sent is a line here, never an error to the user. */
  log?: (line: string) => void;
}

export function accountLink(publicUrl: string, path: string): string {
  return new URL(path, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).toString();
}

function message(
  to: string,
  subject: string,
  paragraphs: string[],
  action: { label: string; url: string },
  footer: string,
): MailMessage {
  const text = [...paragraphs, '', `${action.label}: ${action.url}`, '', footer].join('\n');
  const html = [
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>`,
    `<p style="color:#666;font-size:12px">${escapeHtml(footer)}</p>`,
  ].join('\n');
  return { to, subject, text, html };
}

export function verifyEmailMessage(to: { email: string; name: string }, url: string): MailMessage {
  return message(
    to.email,
    'Confirm your email address for Herald',
    [`Hello ${to.name},`, 'Confirm this address to finish setting up your Herald account.'],
    { label: 'Confirm your email', url },
    'The link works once, for 24 hours. If you did not sign up for Herald, ignore this email.',
  );
}

export function resetPasswordMessage(
  to: { email: string; name: string },
  url: string,
): MailMessage {
  return message(
    to.email,
    'Reset your Herald password',
    [`Hello ${to.name},`, 'Someone (we hope you) asked to reset your Herald password.'],
    { label: 'Choose a new password', url },
    'The link works once, for one hour. If you did not ask, ignore this email: your password stays as it is.',
  );
}

export function invitationMessage(
  to: string,
  invite: { organizationName: string; inviterName: string; roleLabel: string },
  url: string,
): MailMessage {
  return message(
    to,
    `${invite.inviterName} invited you to ${invite.organizationName} on Herald`,
    [
      `${invite.inviterName} invited you to join ${invite.organizationName} on Herald as ${invite.roleLabel}.`,
    ],
    { label: 'Accept the invitation', url },
    'The invitation works once, for 7 days. If you did not expect it, ignore this email.',
  );
}

/** Sends; a failure is logged and reported as false, so the caller can offer to resend. */
export async function sendAccountMail(deps: AccountMailDeps, mail: MailMessage): Promise<boolean> {
  try {
    const outcome = await deps.mailer.send(mail);
    if (outcome.status === 'skipped') {
      deps.log?.(`mail: "${mail.subject}" not sent: ${outcome.reason}`);
      return false;
    }
    return true;
  } catch (error) {
    deps.log?.(
      `mail: "${mail.subject}" not sent: ${error instanceof Error ? error.message : String(error)}`,
    );
    return false;
  }
}
