// Email (ADR 0033): SMTP settings from the environment, a nodemailer mailer that skips politely
// when none are given, and notifications rendered as plain text and simple HTML.
// Server-only: import from `@herald/core/mail`.
export {
  createMailer,
  MAIL_NOT_CONFIGURED,
  MailError,
  type Mailer,
  type MailerOptions,
  type MailMessage,
  type MailOutcome,
} from './mailer.ts';
export {
  checkMailSettings,
  isMailConfigured,
  mailSettingsSchema,
  pickMailSettings,
  refineMailSettings,
  type MailSettings,
  type MailSettingsProblem,
} from './settings.ts';
export {
  escapeHtml,
  renderNotificationEmail,
  type NotificationEmail,
  type RenderedEmail,
} from './render.ts';
