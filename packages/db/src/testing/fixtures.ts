// Small builders for tests: an agency with a member, a client and connected accounts.
import { randomBytes } from 'node:crypto';
import type { Db } from '../client.ts';
import {
  encryptSecret,
  hashPassword,
  parseTokenKeyring,
  type TokenKeyring,
} from '../credentials.ts';
import type { MemberRole } from '../generated/prisma/enums.ts';

/** The tests' token key (one per process), as TOKEN_ENCRYPTION_KEY for a child process. */
export const TEST_TOKEN_KEY_BASE64 = randomBytes(32).toString('base64');
/** The tests' token keyring: TEST_TOKEN_KEY_BASE64 alone. */
export const TEST_TOKEN_KEY = parseTokenKeyring(TEST_TOKEN_KEY_BASE64);

export interface AgencyFixture {
  organizationId: string;
  userId: string;
  email: string;
  password: string;
  role: MemberRole;
  clientId: string;
  timezone: string;
  /** Facebook Page accounts; their tokens follow the sandbox convention. */
  accounts: { id: string; externalId: string; handle: string }[];
}

let pageCounter = 0;

export async function createAgency(
  db: Db,
  options: { role?: MemberRole; timezone?: string; pages?: number; tokenKey?: TokenKeyring } = {},
): Promise<AgencyFixture> {
  const suffix = randomBytes(4).toString('hex');
  const role = options.role ?? 'owner';
  const password = `pw-${suffix}`;
  const email = `member-${suffix}@agency.test`;
  const timezone = options.timezone ?? 'Europe/Oslo';
  const org = await db.organization.create({
    data: { name: `Agency ${suffix}`, slug: `agency-${suffix}` },
  });
  const user = await db.user.create({
    data: {
      email,
      name: `Member ${suffix}`,
      passwordHash: await hashPassword(password),
      // Operator-made accounts, like every account before sign-up existed, are verified.
      emailVerifiedAt: new Date(),
    },
  });
  await db.member.create({ data: { organizationId: org.id, userId: user.id, role } });
  const client = await db.client.create({
    data: { organizationId: org.id, name: `Client ${suffix}`, timezone },
  });
  const accounts = [];
  for (let i = 0; i < (options.pages ?? 1); i++) {
    const externalId = String(2_000_000_000 + process.pid * 1000 + ++pageCounter);
    const account = await db.socialAccount.create({
      data: {
        organizationId: org.id,
        clientId: client.id,
        platform: 'facebook',
        externalId,
        handle: `Page ${externalId}`,
        accessTokenEncrypted: encryptSecret(
          `sbx-page-${externalId}-test`,
          options.tokenKey ?? TEST_TOKEN_KEY,
        ),
      },
    });
    accounts.push({ id: account.id, externalId, handle: account.handle });
  }
  return {
    organizationId: org.id,
    userId: user.id,
    email,
    password,
    role,
    clientId: client.id,
    timezone,
    accounts,
  };
}

/** The queued job with this key, as Graphile Worker stores it (tests only: private tables). */
export async function findJob(db: Db, jobKey: string) {
  const rows = await db.$queryRaw<
    {
      id: string;
      run_at: Date;
      task_identifier: string;
      payload: unknown;
      locked_at: Date | null;
    }[]
  >`
    SELECT j.id::text, j.run_at, t.identifier AS task_identifier, j.payload, j.locked_at
    FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE j.key = ${jobKey}`;
  return rows[0] ?? null;
}

/** How many jobs are still queued (or running), of any task. */
export async function countQueuedJobs(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM graphile_worker.jobs`;
  return row!.n;
}

/** Polls until `check` holds; fails with `what` once `timeoutMs` has passed. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Moves a post's publishing time to `at`: its targets and every queued publish job for them
 * (duplicates too). Tests schedule far ahead, look while nothing can run yet, then make it due,
 * so no assertion races the worker. Returns how many jobs moved (tests only: private tables).
 */
export async function makePostDue(db: Db, postId: string, at: Date): Promise<number> {
  return db.$transaction(async (tx) => {
    const targets = await tx.postTarget.findMany({ where: { postId }, select: { id: true } });
    await tx.postTarget.updateMany({ where: { postId }, data: { scheduledFor: at } });
    const moved = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM graphile_worker.reschedule_jobs(
        ARRAY(
          SELECT j.id
          FROM graphile_worker._private_jobs j
          JOIN graphile_worker._private_tasks t ON t.id = j.task_id
          WHERE t.identifier = 'publish_target'
            AND j.payload->>'targetId' = ANY(${targets.map((t) => t.id)}::text[])
        ),
        run_at => ${at.toISOString()}::timestamptz
      )`;
    return moved.length;
  });
}
