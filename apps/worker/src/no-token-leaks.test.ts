// No platform token ever shows up where people or machines can read it. For every platform
// Herald can connect with the sandbox's settings (the list comes from createConnectorRegistry,
// so a connector added later is covered without touching this file): connect through the
// platform's consent page and the connection service, publish through the tRPC API and a real
// worker (with a picture or a video where the platform needs one), revoke the token on the
// platform and publish again (an auth failure and its notification), then look for the tokens
// in every text and JSON column of every table, every line the worker logged (pino, with the
// production redaction), every notification, and everything the connection service and the
// API answered.
import { appRouter, createContext, SESSION_COOKIE } from '@herald/api';
import {
  connectAccounts,
  finishAuthorization,
  grantedIdentities,
  PUBLISH_TARGET_TASK,
  signIn,
  startConnection,
  type ConnectionDeps,
} from '@herald/core';
import { mediaRule, PLATFORMS, type Platform } from '@herald/core/domain';
import { createMailer } from '@herald/core/mail';
import { createConnectorRegistry } from '@herald/core/connectors';
import { addReadyImage, addReadyVideo, startMediaServer } from '@herald/core/testing';
import {
  adapterConfigFromSettings,
  platformSettingsSchema,
  type PlatformSettings,
} from '@herald/core/providers';
import { decryptSecret } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { SANDBOX_PLATFORMS, startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createLogger } from './observability/logger.ts';
import { startWorker, type RunningWorker } from './worker.ts';

/**
 * The platform settings `pnpm dev` would give, derived from the schema's names so a platform
 * added later gets its share: every `<PLATFORM>_…_URL` points at that platform on the sandbox,
 * every app id and secret gets a value the sandbox accepts.
 */
function sandboxSettings(sandboxUrl: string): PlatformSettings {
  const values: Record<string, string> = {};
  const shape: Record<string, z.ZodType> = platformSettingsSchema.shape;
  for (const [name, field] of Object.entries(shape)) {
    const platform = SANDBOX_PLATFORMS.find((p) => name.startsWith(`${p.toUpperCase()}_`));
    const url = `${sandboxUrl}/${platform}`;
    // A switch named …_URL (TIKTOK_PULL_FROM_URL) is not an address: only fields that take one.
    if (name.endsWith('_URL') && platform && field.safeParse(url).success) values[name] = url;
    else if (/_(APP|CLIENT)_(ID|KEY)$/.test(name)) values[name] = 'herald-test';
    else if (/_(APP|CLIENT)_SECRET$/.test(name)) values[name] = 'herald-test-secret';
  }
  return platformSettingsSchema.parse(values);
}

/** Decided when the file loads (the registry needs no network), so each gets its own test. */
const CONNECTABLE = PLATFORMS.filter(
  (p) => createConnectorRegistry(sandboxSettings('http://sandbox.invalid'))(p) !== null,
);

/** Anything shaped like a sandbox credential: tokens, refresh tokens, authorization codes. */
const SANDBOX_SECRET = /\bsbxr?-[a-z_]+-[A-Za-z0-9:._-]+/g;

const decodeEntities = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * What a person does on a platform's consent page: submit its form as it comes (the
 * pre-ticked choices), following redirects, until the platform sends them back to
 * `redirectUri`. Works for any sandbox dialog that is a plain HTML form.
 */
async function consent(url: string, redirectUri: string): Promise<URL> {
  let next = new URL(url);
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(next, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      ...(body ? { body } : {}),
    });
    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.get('location') ?? '', next);
      if (location.href.startsWith(redirectUri)) return location;
      [next, body] = [location, undefined];
      continue;
    }
    const page = await response.text();
    const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(page);
    if (response.status !== 200 || !form) {
      throw new Error(
        `The consent page at ${next.pathname} answered ${response.status} without a form.`,
      );
    }
    const attr = (tag: string, name: string) =>
      new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag)?.[1];
    const fields = new URLSearchParams();
    for (const [, input] of form[2]!.matchAll(/<input\b([^>]*)>/gi)) {
      const name = attr(input!, 'name');
      const type = (attr(input!, 'type') ?? 'text').toLowerCase();
      if (!name || (['checkbox', 'radio'].includes(type) && !/\bchecked\b/i.test(input!))) continue;
      fields.append(name, decodeEntities(attr(input!, 'value') ?? ''));
    }
    // Pressing Enter submits with the form's first submit button, named value and all.
    const button = /<button\b([^>]*)>/i.exec(form[2]!)?.[1];
    const buttonName = button && attr(button, 'name');
    if (button && buttonName && (attr(button, 'type') ?? 'submit').toLowerCase() === 'submit') {
      fields.append(buttonName, decodeEntities(attr(button, 'value') ?? ''));
    }
    const action = new URL(decodeEntities(attr(form[1]!, 'action') ?? next.pathname), next);
    if ((attr(form[1]!, 'method') ?? 'get').toLowerCase() === 'post') {
      [next, body] = [action, fields];
    } else {
      action.search = fields.toString();
      [next, body] = [action, undefined];
    }
  }
  throw new Error(`The consent flow at ${url} did not come back to ${redirectUri}.`);
}

describe('no token in the database, logs, notifications or answers', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let sandbox: Sandbox;
  let worker: RunningWorker;
  let deps: ConnectionDeps;
  let api: ReturnType<typeof appRouter.createCaller>;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  /** A ready picture and video in the client's library, for the platforms that need one. */
  let library: { image: string; video: string };
  const logLines: string[] = [];
  /** Everything the connection service and the API answered, as JSON. */
  const answers: string[] = [];
  /** Every token Herald was granted (read back from the rows after connecting). */
  const tokens = new Set<string>();
  const wakers = new Set<() => void>();
  /** Resolves once the post's one target has left the engine's hands (checked after each job). */
  const targetSettled = (postId: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        t.db.postTarget
          .findFirstOrThrow({ where: { postId }, select: { status: true } })
          .then(({ status }) => {
            if (['scheduled', 'publishing', 'reconciling'].includes(status)) return;
            wakers.delete(check);
            resolve();
          }, reject);
      };
      wakers.add(check);
      check();
    });

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 0 });
    [sandbox, media] = await Promise.all([startSandbox({ port: 0 }), startMediaServer()]);
    const settings = sandboxSettings(sandbox.url);
    deps = { db: t.db, tokenKey: TEST_TOKEN_KEY, connectorFor: createConnectorRegistry(settings) };
    // Processed before the worker starts, so it finds nothing left to process (no race).
    library = {
      image: await addReadyImage(t.db, media.storage, agency),
      video: await addReadyVideo(t.db, media.storage, agency),
    };
    const log = await createLogger({
      level: 'debug',
      destination: { write: (line: string) => void logLines.push(line) },
    });
    worker = await startWorker({
      databaseUrl: t.url,
      tokenKey: TEST_TOKEN_KEY,
      adapters: adapterConfigFromSettings(settings),
      log,
      mailer: createMailer({}),
      publicUrl: 'https://herald.test',
      storage: media.storage,
      concurrency: 2,
      pollInterval: 200,
    });
    worker.runner.events.on('job:complete', ({ job }) => {
      if (job.task_identifier !== PUBLISH_TARGET_TASK) return;
      for (const wake of wakers) wake();
    });
    const session = await signIn(t.db, { email: agency.email, password: agency.password });
    api = appRouter.createCaller(
      await createContext({
        headers: new Headers({ cookie: `${SESSION_COOKIE}=${session!.token}` }),
        db: t.db,
        storage: media.storage,
      }),
    );
  });
  afterAll(async () => {
    await worker?.stop();
    await sandbox?.close();
    await media?.close();
    await t?.drop();
  });

  const answered = <T>(value: T): T => {
    answers.push(JSON.stringify(value));
    return value;
  };

  it('covers at least Facebook (the list is not empty by accident)', () => {
    expect(CONNECTABLE).toContain('facebook');
  });

  it.each(CONNECTABLE)(
    'connects %s, publishes, and survives a revoked token',
    async (platform: Platform) => {
      const actor = {
        userId: agency.userId,
        organizationId: agency.organizationId,
        role: agency.role,
      };
      const redirectUri = `http://127.0.0.1:9/oauth/${platform}/callback`;
      const started = answered(
        await startConnection(deps, actor, { clientId: agency.clientId, platform, redirectUri }),
      );
      const back = await consent(started.url, redirectUri);
      const { connectionId } = answered(
        await finishAuthorization(deps, actor, {
          platform,
          state: back.searchParams.get('state') ?? '',
          code: back.searchParams.get('code'),
          error: back.searchParams.get('error'),
          redirectUri,
        }),
      );
      const granted = answered(await grantedIdentities(deps, actor, { connectionId }));
      expect(granted.identities.length).toBeGreaterThan(0);
      const connected = answered(
        await connectAccounts(deps, actor, {
          connectionId,
          externalIds: granted.identities.map((i) => i.externalId),
        }),
      );
      const accounts = await t.db.socialAccount.findMany({
        where: { id: { in: connected.accounts.map((a) => a.id) } },
      });
      for (const account of accounts) {
        tokens.add(decryptSecret(account.accessTokenEncrypted, TEST_TOKEN_KEY));
        if (account.refreshTokenEncrypted) {
          tokens.add(decryptSecret(account.refreshTokenEncrypted, TEST_TOKEN_KEY));
        }
      }
      answered(await api.clients.get({ clientId: agency.clientId }));

      // Published through the API and the worker, with the granted token.
      const first = accounts[0]!;
      // Instagram wants a picture; TikTok and YouTube a video (processed the real way).
      const rule = mediaRule(platform);
      const mediaIds = !rule.requiresMedia
        ? []
        : [rule.kinds.includes('image') ? library.image : library.video];
      const settings =
        platform === 'tiktok' ? { [first.id]: { privacyLevel: 'PUBLIC_TO_EVERYONE' } } : {};
      const publish = async (caption: string) => {
        const post = answered(
          await api.posts.schedule({
            clientId: agency.clientId,
            caption,
            accountIds: [first.id],
            scheduledFor: new Date(Date.now() + 3_600_000),
            mediaIds,
            settings,
          }),
        );
        const settled = targetSettled(post.id);
        answered(await api.posts.publishNow({ postId: post.id }));
        await settled;
        return answered(await api.posts.get({ postId: post.id }));
      };
      const ok = await publish(`Hello from Herald on ${platform}`);
      expect(ok.targets.map((x) => x.status)).toEqual(['published']);

      // The platform revokes the token: the next publish fails for auth, the account needs a
      // person, and people are told.
      sandbox.revokeToken(decryptSecret(first.accessTokenEncrypted, TEST_TOKEN_KEY));
      const refused = await publish(`Refused on ${platform}`);
      expect(refused.targets.map((x) => x.status)).toEqual(['waiting_for_account']);
      const account = await t.db.socialAccount.findUniqueOrThrow({ where: { id: first.id } });
      expect(account.status).toBe('needs_action');
      expect(
        await t.db.notification.count({
          where: { organizationId: agency.organizationId, kind: 'account_needs_action' },
        }),
      ).toBeGreaterThan(0);
      answered(await api.posts.list({ clientId: agency.clientId }));
    },
    60_000,
  );

  it('finds no token anywhere', async () => {
    expect(tokens.size).toBeGreaterThan(0);
    const leaks: string[] = [];
    const look = (where: string, text: string) => {
      for (const token of tokens) if (text.includes(token)) leaks.push(`${where}: a granted token`);
      for (const [match] of text.matchAll(SANDBOX_SECRET)) {
        leaks.push(`${where}: ${match.slice(0, 12)}…`);
      }
    };

    // Every text-like column of every table, Graphile's queue included (payloads, last errors).
    const columns = await t.db.$queryRaw<{ schema: string; table: string; column: string }[]>`
      SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
      FROM information_schema.columns c
      JOIN information_schema.tables tb
        ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
      WHERE c.table_schema IN ('public', 'graphile_worker') AND tb.table_type = 'BASE TABLE'
        AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')`;
    expect(columns.map((c) => `${c.table}.${c.column}`)).toEqual(
      expect.arrayContaining([
        'social_accounts.access_token_encrypted',
        'notifications.body',
        'notifications.data',
        '_private_jobs.last_error',
      ]),
    );
    const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
    let scanned = 0;
    for (const { schema, table, column } of columns) {
      const values = await t.db.$queryRawUnsafe<{ v: string }[]>(
        `SELECT ${quote(column)}::text AS v FROM ${quote(schema)}.${quote(table)} WHERE ${quote(column)} IS NOT NULL`,
      );
      for (const { v } of values) look(`${table}.${column}`, v);
      scanned += values.length;
    }
    expect(scanned).toBeGreaterThan(0);

    const notifications = await t.db.notification.findMany({
      where: { organizationId: agency.organizationId },
    });
    expect(notifications.length).toBeGreaterThanOrEqual(CONNECTABLE.length);
    look('notifications', JSON.stringify(notifications));

    expect(logLines.some((line) => line.includes('"task":"publish_target"'))).toBe(true);
    for (const line of logLines) look('worker log', line);
    for (const answer of answers) look('answer', answer);

    expect(leaks).toEqual([]);
  });
});
