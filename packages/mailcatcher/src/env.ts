// The only place the catcher reads process.env (no zod here: smtp-server and mailparser are
// its only dependencies). A bad value stops it with a sentence naming the variable.
import path from 'node:path';

function port(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    console.error(`${name} must be a port number (0-65535), not "${value}".`);
    process.exit(1);
  }
  return n;
}

export function loadCatcherEnv() {
  return {
    smtpPort: port('MAILCATCHER_SMTP_PORT', 1025),
    webPort: port('MAILCATCHER_WEB_PORT', 1080),
    host: process.env.MAILCATCHER_HOST || '127.0.0.1',
    /** Where caught messages are kept as .eml files; default .data/mail under the repository. */
    dir: path.resolve(
      process.env.MAILCATCHER_DIR || path.join(import.meta.dirname, '../../../.data/mail'),
    ),
  };
}
