// One command for the whole product on one machine.
//   tsx scripts/stack.ts dev      Postgres + migrate + seed-if-empty, then sandbox, mail catcher,
//                                 web (HMR), worker
//   tsx scripts/stack.ts start    the same with production builds (runs `turbo run build` first)
//   tsx scripts/stack.ts migrate  apply migrations (and Graphile Worker's schema)
//   tsx scripts/stack.ts seed     seed the demo agency into an empty database
// Without DATABASE_URL an embedded PostgreSQL keeps its data in .data/postgres.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, generateEncryptionKey, parseTokenKeyring } from '@herald/db';
import { EmbeddedPostgresError, isPortFree, startEmbeddedPostgres } from '@herald/db/local';
import { migrate } from '@herald/db/migrate';
import { DEMO_LOGIN, seedDemo, STAFF_LOGIN } from '@herald/db/seed';
import { inheritedEnv, loadStackEnv } from './env.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = path.join(root, '.data');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const env = loadStackEnv();
const command = process.argv[2];

const say = (line: string) => console.log(`[herald] ${line}`);

interface LocalSecrets {
  tokenEncryptionKey: string;
  mediaSigningKey: string;
}

/** Local secrets for the embedded default, made once and kept in .data (git-ignored). */
function localSecrets(): LocalSecrets {
  const file = path.join(dataDir, 'secrets.json');
  const kept: Partial<LocalSecrets> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>)
    : {};
  const secrets: LocalSecrets = {
    tokenEncryptionKey: kept.tokenEncryptionKey ?? generateEncryptionKey(),
    // Signs local media URLs (docs/decisions/0024); web and worker must share it.
    mediaSigningKey: kept.mediaSigningKey ?? randomBytes(48).toString('base64'),
  };
  if (kept.tokenEncryptionKey !== secrets.tokenEncryptionKey || !kept.mediaSigningKey) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return {
    tokenEncryptionKey: env.TOKEN_ENCRYPTION_KEY ?? secrets.tokenEncryptionKey,
    mediaSigningKey: env.MEDIA_SIGNING_KEY ?? secrets.mediaSigningKey,
  };
}

async function database(): Promise<{ url: string; embedded: boolean; stop: () => Promise<void> }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  say(`starting embedded PostgreSQL (data in .data/postgres, port ${env.EMBEDDED_PG_PORT})`);
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'postgres'),
    port: env.EMBEDDED_PG_PORT,
    database: 'herald',
    log: say,
  });
  return { url: pg.url, embedded: true, stop: () => pg.stop() };
}

async function prepare(options: { seed: boolean }) {
  const db = await database();
  const secrets = localSecrets();
  const tokenKey = secrets.tokenEncryptionKey;
  const { applied } = await migrate(db.url, { log: (l) => say(l) });
  say(applied.length ? `migrated (${applied.length} new)` : 'database schema is up to date');
  if (options.seed) {
    const client = createDb(db.url, { max: 2 });
    try {
      const { seeded } = await seedDemo(client, {
        tokenKey: parseTokenKeyring(tokenKey, env.TOKEN_ENCRYPTION_OLD_KEYS),
      });
      say(seeded ? 'seeded the demo agency' : 'database already has data; not seeding');
    } finally {
      await client.$disconnect();
    }
  }
  return { ...db, tokenKey, mediaSigningKey: secrets.mediaSigningKey };
}

function run(
  name: string,
  cmd: string,
  args: string[],
  cwd: string,
  extraEnv: NodeJS.ProcessEnv,
): ChildProcess {
  const child = spawn(cmd, args, {
    cwd: path.join(root, cwd),
    env: { ...inheritedEnv(), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches only this script, which then stops
    // each child once and in order (a second signal makes `tsx watch` kill its child at once).
    detached: true,
  });
  const prefix = `[${name}]`.padEnd(10);
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) console.log(`${prefix}${line}`);
    });
  }
  return child;
}

async function up(mode: 'dev' | 'start') {
  // A mail server of the person's own replaces the catcher.
  const catchMail = !env.SMTP_URL && !env.SMTP_HOST;
  for (const [name, port, variable] of [
    ['web', env.WEB_PORT, 'WEB_PORT'],
    ['sandbox', env.SANDBOX_PORT, 'SANDBOX_PORT'],
    ...(catchMail
      ? ([
          ['mail catcher SMTP', env.MAILCATCHER_SMTP_PORT, 'MAILCATCHER_SMTP_PORT'],
          ['mail catcher page', env.MAILCATCHER_WEB_PORT, 'MAILCATCHER_WEB_PORT'],
        ] as const)
      : []),
  ] as const) {
    if (!(await isPortFree(port))) {
      console.error(`Port ${port} (${name}) is taken. Stop whatever uses it or set ${variable}.`);
      process.exit(1);
    }
  }
  if (mode === 'start') {
    say('building (turbo caches unchanged packages)');
    const built = spawnSync(bin('turbo'), ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  const db = await prepare({ seed: true });
  const sandboxUrl = `http://127.0.0.1:${env.SANDBOX_PORT}`;
  const mailUrl = `http://127.0.0.1:${env.MAILCATCHER_WEB_PORT}`;
  const shared = {
    DATABASE_URL: db.url,
    TOKEN_ENCRYPTION_KEY: db.tokenKey,
    FACEBOOK_GRAPH_URL: env.FACEBOOK_GRAPH_URL ?? `${sandboxUrl}/facebook`,
    // The other platforms talk to the sandbox too, with app credentials it accepts.
    INSTAGRAM_GRAPH_URL: `${sandboxUrl}/instagram`,
    X_API_URL: `${sandboxUrl}/x`,
    LINKEDIN_API_URL: `${sandboxUrl}/linkedin`,
    // Connecting accounts goes through the sandbox's consent pages: Facebook Login's dialog
    // (Pages, and Instagram accounts with the Meta app), X's and LinkedIn's.
    FACEBOOK_APP_ID: 'herald-dev',
    FACEBOOK_APP_SECRET: 'herald-dev-secret',
    FACEBOOK_DIALOG_URL: `${sandboxUrl}/facebook`,
    META_APP_ID: 'herald-dev',
    META_APP_SECRET: 'herald-dev-secret',
    X_CLIENT_ID: 'herald-dev',
    X_CLIENT_SECRET: 'herald-dev-secret',
    X_OAUTH_URL: `${sandboxUrl}/x`,
    LINKEDIN_CLIENT_ID: 'herald-dev',
    LINKEDIN_CLIENT_SECRET: 'herald-dev-secret',
    LINKEDIN_AUTH_URL: `${sandboxUrl}/linkedin`,
    // YouTube's API, Google's consent page and token endpoint: all in the sandbox's /youtube.
    YOUTUBE_API_URL: `${sandboxUrl}/youtube`,
    YOUTUBE_OAUTH_URL: `${sandboxUrl}/youtube`,
    YOUTUBE_TOKEN_URL: `${sandboxUrl}/youtube`,
    YOUTUBE_CLIENT_ID: 'herald-dev',
    YOUTUBE_CLIENT_SECRET: 'herald-dev-secret',
    // TikTok's API and consent page; Google Business Profile's several Google hosts: all the
    // sandbox's, each under its platform's prefix.
    TIKTOK_API_URL: `${sandboxUrl}/tiktok`,
    TIKTOK_AUTH_URL: `${sandboxUrl}/tiktok`,
    TIKTOK_CLIENT_KEY: 'herald-dev',
    TIKTOK_CLIENT_SECRET: 'herald-dev-secret',
    GOOGLE_BUSINESS_API_URL: `${sandboxUrl}/google_business`,
    GOOGLE_BUSINESS_ACCOUNT_MANAGEMENT_URL: `${sandboxUrl}/google_business`,
    GOOGLE_BUSINESS_INFORMATION_URL: `${sandboxUrl}/google_business`,
    GOOGLE_BUSINESS_OAUTH_URL: `${sandboxUrl}/google_business`,
    GOOGLE_BUSINESS_TOKEN_URL: `${sandboxUrl}/google_business`,
    GOOGLE_BUSINESS_CLIENT_ID: 'herald-dev',
    GOOGLE_BUSINESS_CLIENT_SECRET: 'herald-dev-secret',
    // Media on the local disk unless S3_* says otherwise; the web app serves its signed URLs,
    // and both processes must agree on where files are and how URLs are signed.
    MEDIA_DIR: env.MEDIA_DIR ?? path.join(dataDir, 'media'),
    MEDIA_SIGNING_KEY: db.mediaSigningKey,
    PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.WEB_PORT}`,
    // Emails (token health) go to the local catcher, unless SMTP_* says otherwise.
    ...(catchMail
      ? {
          SMTP_URL: `smtp://127.0.0.1:${env.MAILCATCHER_SMTP_PORT}`,
          SMTP_FROM: 'Herald <herald@localhost>',
        }
      : {}),
  };
  const catcherEnv = {
    MAILCATCHER_SMTP_PORT: String(env.MAILCATCHER_SMTP_PORT),
    MAILCATCHER_WEB_PORT: String(env.MAILCATCHER_WEB_PORT),
    MAILCATCHER_DIR: path.join(dataDir, 'mail'),
  };
  // What the platforms accepted survives restarts, beside the database (rm -rf .data/sandbox
  // to start it empty).
  const sandboxEnv = {
    PORT: String(env.SANDBOX_PORT),
    SANDBOX_STATE_DIR: path.join(dataDir, 'sandbox'),
  };
  const web = {
    ...shared,
    PORT: String(env.WEB_PORT),
    SHOW_DEMO_LOGIN: String(db.embedded),
  };
  const children =
    mode === 'dev'
      ? [
          run('sandbox', bin('tsx'), ['watch', 'src/main.ts'], 'packages/sandbox', sandboxEnv),
          ...(catchMail
            ? [
                run(
                  'mail',
                  bin('tsx'),
                  ['watch', 'src/main.ts'],
                  'packages/mailcatcher',
                  catcherEnv,
                ),
              ]
            : []),
          run('worker', bin('tsx'), ['watch', 'src/main.ts'], 'apps/worker', {
            ...shared,
            LOG_FORMAT: 'pretty',
          }),
          run(
            'web',
            path.join(root, 'apps/web/node_modules/.bin/react-router'),
            ['dev', '--port', String(env.WEB_PORT), '--strictPort'],
            'apps/web',
            web,
          ),
        ]
      : [
          run('sandbox', process.execPath, ['dist/main.js'], 'packages/sandbox', sandboxEnv),
          // A development tool, not a product part: run from source in both modes.
          ...(catchMail
            ? [run('mail', bin('tsx'), ['src/main.ts'], 'packages/mailcatcher', catcherEnv)]
            : []),
          run('worker', process.execPath, ['dist/main.js'], 'apps/worker', {
            ...shared,
            NODE_ENV: 'production',
          }),
          run('web', process.execPath, ['server.mjs'], 'apps/web', {
            ...web,
            NODE_ENV: 'production',
          }),
        ];

  console.log(`
  Herald is starting (${mode})
    web       http://localhost:${env.WEB_PORT}${db.embedded ? `   sign in as ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}` : ''}${
      db.embedded
        ? `
    admin     http://localhost:${env.WEB_PORT}/admin/queue   platform staff: ${STAFF_LOGIN.email} / ${STAFF_LOGIN.password}`
        : ''
    }
    sandbox   ${sandboxUrl}   (what the "platforms" received; kept in .data/sandbox)
    mail      ${catchMail ? `${mailUrl}   (emails Herald sent; SMTP on 127.0.0.1:${env.MAILCATCHER_SMTP_PORT}, kept in .data/mail)` : 'SMTP_URL / SMTP_HOST (your mail server)'}
    database  ${db.embedded ? `embedded PostgreSQL, data in .data/postgres (port ${env.EMBEDDED_PG_PORT})` : 'DATABASE_URL'}
  Ctrl-C stops everything.
`);

  const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  // If this script dies of an error, take the children with it.
  process.once('exit', () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) killGroup(child, 'SIGKILL');
    }
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping (the worker finishes the jobs it is running)');
    // Apps first, the database last: a worker mid-publish still needs it to record the outcome.
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => killGroup(child, 'SIGKILL'), 30_000).unref();
          }),
      ),
    );
    await db.stop();
    say('stopped');
    process.exit(code);
  };
  for (const child of children) {
    child.once('exit', (code) => {
      if (!stopping) {
        say(`a process exited (code ${code}); stopping the rest`);
        void stop(code || 1);
      }
    });
  }
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
}

try {
  switch (command) {
    case 'dev':
    case 'start':
      await up(command);
      break;
    case 'migrate': {
      const db = await prepare({ seed: false });
      await db.stop();
      break;
    }
    case 'seed': {
      const db = await prepare({ seed: true });
      await db.stop();
      break;
    }
    default:
      console.error('usage: tsx scripts/stack.ts <dev|start|migrate|seed>');
      process.exit(2);
  }
} catch (error) {
  // Something the person can fix: one sentence saying how, not a stack trace.
  if (!(error instanceof EmbeddedPostgresError)) throw error;
  console.error(`[herald] ${error.message}`);
  process.exit(1);
}
