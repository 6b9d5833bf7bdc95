// The SMTP settings the apps read from their environment (each app's env.ts extends its schema
// with `mailSettingsSchema.shape`, as with storage). None at all: emails are skipped and logged,
// nothing fails. Any: they must be complete, checked at start-up.
import { z } from 'zod';

/** An unset variable and an empty one (`SMTP_HOST=`) mean the same: not configured. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const mailSettingsSchema = z.object({
  /** Everything in one: smtp://user:password@host:587, or smtps:// for TLS from the start. */
  SMTP_URL: optional(
    z
      .url({ error: 'SMTP_URL must be a URL such as smtp://user:password@mail.example.com:587' })
      .refine((url) => /^smtps?:\/\//i.test(url), 'SMTP_URL must start with smtp:// or smtps://'),
  ),
  /** Or the parts: a host, a port (465 means TLS from the start), and credentials. */
  SMTP_HOST: optional(z.string()),
  SMTP_PORT: optional(
    z.coerce
      .number({ error: 'SMTP_PORT must be a port number' })
      .int('SMTP_PORT must be a port number')
      .min(1, 'SMTP_PORT must be a port number')
      .max(65_535, 'SMTP_PORT must be a port number'),
  ),
  SMTP_USER: optional(z.string()),
  SMTP_PASSWORD: optional(z.string()),
  /** The sender people see, e.g. `Herald <herald@agency.example>`. */
  SMTP_FROM: optional(z.string()),
});

export type MailSettings = z.output<typeof mailSettingsSchema>;

/** Picks the mail settings out of an app's parsed environment. */
export function pickMailSettings(env: MailSettings): MailSettings {
  const keys = Object.keys(mailSettingsSchema.shape) as (keyof MailSettings)[];
  return Object.fromEntries(keys.map((key) => [key, env[key]]));
}

/** Whether this process sends email at all (SMTP_URL or SMTP_HOST given). */
export function isMailConfigured(settings: MailSettings): boolean {
  return settings.SMTP_URL !== undefined || settings.SMTP_HOST !== undefined;
}

/** One thing wrong with the settings, naming the variable to fix. */
export interface MailSettingsProblem {
  variable: keyof MailSettings;
  message: string;
}

export function checkMailSettings(settings: MailSettings): MailSettingsProblem[] {
  const problems: MailSettingsProblem[] = [];
  const problem = (variable: keyof MailSettings, message: string) =>
    problems.push({ variable, message });
  if (!isMailConfigured(settings)) {
    // Half a configuration would silently send nothing.
    for (const variable of ['SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD'] as const) {
      if (settings[variable] !== undefined) {
        problem(variable, `${variable} is set but SMTP_HOST is not: set SMTP_HOST (or SMTP_URL)`);
      }
    }
    return problems;
  }
  if (settings.SMTP_URL !== undefined && settings.SMTP_HOST !== undefined) {
    problem('SMTP_HOST', 'Set SMTP_URL or SMTP_HOST, not both');
  }
  if ((settings.SMTP_USER === undefined) !== (settings.SMTP_PASSWORD === undefined)) {
    problem(
      settings.SMTP_USER === undefined ? 'SMTP_USER' : 'SMTP_PASSWORD',
      'SMTP_USER and SMTP_PASSWORD go together: set both or neither',
    );
  }
  if (settings.SMTP_FROM === undefined) {
    problem(
      'SMTP_FROM',
      'SMTP_FROM is required when SMTP is configured (the sender, e.g. Herald <herald@agency.example>)',
    );
  }
  return problems;
}

/**
 * For an app's env schema: `Env.extend(mailSettingsSchema.shape).superRefine(refineMailSettings)`
 * reports the problems at start-up, each under its variable.
 */
export function refineMailSettings<T extends MailSettings>(
  settings: T,
  ctx: z.RefinementCtx<T>,
): void {
  for (const { variable, message } of checkMailSettings(settings)) {
    ctx.addIssue({ code: 'custom', path: [variable], message });
  }
}
