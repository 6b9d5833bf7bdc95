import { randomBytes } from 'node:crypto';
import { hashPassword } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../testing.ts';
import { resolveSession, signIn, signInWithPassword, switchOrganization } from './auth.ts';
import { attemptSecondStep, attemptSignIn, type SignInDeps } from './sign-in-throttle.ts';
import {
  beginTwoFactorEnrollment,
  changePassword,
  completeSecondStep,
  confirmTwoFactorEnrollment,
  disableTwoFactor,
  setTwoFactorRequirement,
  totpCodeAt,
  twoFactorStatus,
} from './two-factor.ts';

const T0 = new Date('2026-11-23T09:00:00Z'); // the start of a 30-second time step
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** Six-digit codes the app would not show within a step of `now`: wrong for certain. */
async function wrongCodes(secret: string, now: Date, n = 1): Promise<string[]> {
  const valid = new Set(
    await Promise.all(
      [-30, 0, 30].map((s) => totpCodeAt(secret, new Date(now.getTime() + s * 1000))),
    ),
  );
  const codes: string[] = [];
  for (let i = 0; codes.length < n; i++) {
    const code = String(i * 111_111 + 7)
      .padStart(6, '0')
      .slice(-6);
    if (!valid.has(code)) codes.push(code);
  }
  return codes;
}

describe('two-step sign-in', () => {
  let t: TestDatabase;
  const deps = () => ({ db: t.db, tokenKey: TEST_TOKEN_KEY });
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  /** An agency member with two-step sign-in on (confirmed at T0); returns the secret and codes. */
  async function enrolled(agency?: AgencyFixture) {
    const member = agency ?? (await createAgency(t.db));
    const { secret, uri } = await beginTwoFactorEnrollment(deps(), member.userId);
    expect(uri).toMatch(/^otpauth:\/\/totp\/Herald:.*secret=/);
    const { recoveryCodes } = await confirmTwoFactorEnrollment(
      deps(),
      member.userId,
      await totpCodeAt(secret, T0),
      T0,
    );
    return { member, secret, recoveryCodes };
  }

  async function challenge(member: AgencyFixture, now = at(60)) {
    const result = await signInWithPassword(t.db, member, { now });
    if (result?.kind !== 'second_step') throw new Error(`expected a second step: ${result?.kind}`);
    return result.challengeToken;
  }

  it('is off until a code from the app confirms the secret, and stores the secret sealed', async () => {
    const member = await createAgency(t.db);
    const { secret } = await beginTwoFactorEnrollment(deps(), member.userId);
    // Not yet on: the password alone still signs in.
    expect(await signIn(t.db, member, { now: T0 })).not.toBeNull();
    expect((await twoFactorStatus(deps(), member.userId)).pending?.secret).toBe(secret);
    await expect(
      confirmTwoFactorEnrollment(deps(), member.userId, await totpCodeAt(secret, at(-300)), T0),
    ).rejects.toThrow(/isn't right/);
    const { recoveryCodes } = await confirmTwoFactorEnrollment(
      deps(),
      member.userId,
      await totpCodeAt(secret, T0),
      T0,
    );
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const user = await t.db.user.findUniqueOrThrow({ where: { id: member.userId } });
    expect(user.totpSecretEncrypted).toMatch(/^v2\./);
    expect(user.totpSecretEncrypted).not.toContain(secret);
    const stored = await t.db.twoFactorRecoveryCode.findMany({ where: { userId: member.userId } });
    expect(stored.map((r) => r.codeHash)).not.toContain(recoveryCodes[0]!.replace('-', ''));
    expect(await twoFactorStatus(deps(), member.userId)).toMatchObject({
      enabled: true,
      recoveryCodesLeft: 10,
      pending: null,
    });
  });

  it('asks for a code after the password, and the half-signed-in state is no session', async () => {
    const { member, secret } = await enrolled();
    const token = await challenge(member);
    expect(await resolveSession(t.db, token, { now: at(61) })).toBeNull();
    await expect(signIn(t.db, member, { now: at(60) })).rejects.toThrow(/second step/);

    const [bad] = await wrongCodes(secret, at(61));
    const wrong = await completeSecondStep(deps(), { challengeToken: token, code: bad! }, at(61));
    expect(wrong).toMatchObject({
      outcome: 'invalid',
      message: expect.stringMatching(/isn't right/),
    });
    const right = await completeSecondStep(
      deps(),
      { challengeToken: token, code: await totpCodeAt(secret, at(62)) },
      at(62),
    );
    expect(right.outcome).toBe('signed_in');
    if (right.outcome !== 'signed_in') return;
    expect((await resolveSession(t.db, right.token, { now: at(63) }))?.userId).toBe(member.userId);
    // The challenge is used up.
    const again = await completeSecondStep(
      deps(),
      { challengeToken: token, code: await totpCodeAt(secret, at(95)) },
      at(95),
    );
    expect(again.outcome).toBe('expired');
  });

  it('refuses a code replayed within the same time step', async () => {
    const { member, secret } = await enrolled();
    const code = await totpCodeAt(secret, at(90));
    const first = await completeSecondStep(
      deps(),
      { challengeToken: await challenge(member, at(90)), code },
      at(90),
    );
    expect(first.outcome).toBe('signed_in');
    const replay = await completeSecondStep(
      deps(),
      { challengeToken: await challenge(member, at(91)), code },
      at(91),
    );
    expect(replay.outcome).toBe('invalid');
    // The next step's code works.
    const next = await completeSecondStep(
      deps(),
      { challengeToken: await challenge(member, at(120)), code: await totpCodeAt(secret, at(120)) },
      at(120),
    );
    expect(next.outcome).toBe('signed_in');
  });

  it('expires the challenge after five minutes, and after five wrong codes', async () => {
    const { member, secret } = await enrolled();
    const late = await challenge(member, at(60));
    const tooLate = await completeSecondStep(
      deps(),
      { challengeToken: late, code: await totpCodeAt(secret, at(360)) },
      at(360),
    );
    expect(tooLate.outcome).toBe('expired');

    const guessed = await challenge(member, at(400));
    const outcomes = [];
    for (const code of await wrongCodes(secret, at(401), 5)) {
      outcomes.push(
        (await completeSecondStep(deps(), { challengeToken: guessed, code }, at(401))).outcome,
      );
    }
    expect(outcomes).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'expired']);
    const afterwards = await completeSecondStep(
      deps(),
      { challengeToken: guessed, code: await totpCodeAt(secret, at(402)) },
      at(402),
    );
    expect(afterwards.outcome).toBe('expired');
  });

  it('accepts each recovery code once, however it is typed', async () => {
    const { member, recoveryCodes } = await enrolled();
    const code = recoveryCodes[3]!;
    const first = await completeSecondStep(
      deps(),
      { challengeToken: await challenge(member), code: ` ${code.toUpperCase()} ` },
      at(61),
    );
    expect(first).toMatchObject({ outcome: 'signed_in', usedRecoveryCode: true });
    const second = await completeSecondStep(
      deps(),
      { challengeToken: await challenge(member), code },
      at(62),
    );
    expect(second.outcome).toBe('invalid');
    expect((await twoFactorStatus(deps(), member.userId)).recoveryCodesLeft).toBe(9);
  });

  it('turns off only with a current code or the password', async () => {
    const { member, secret } = await enrolled();
    await expect(disableTwoFactor(deps(), member.userId, {}, at(60))).rejects.toThrow(/password/);
    await expect(
      disableTwoFactor(deps(), member.userId, { password: 'wrong' }, at(60)),
    ).rejects.toThrow(/password isn't right/);
    await expect(
      disableTwoFactor(
        deps(),
        member.userId,
        { code: (await wrongCodes(secret, at(60)))[0] },
        at(60),
      ),
    ).rejects.toThrow(/isn't right/);
    await disableTwoFactor(
      deps(),
      member.userId,
      { code: await totpCodeAt(secret, at(60)) },
      at(60),
    );
    expect(await signIn(t.db, member, { now: at(61) })).not.toBeNull();
    expect(await t.db.twoFactorRecoveryCode.count({ where: { userId: member.userId } })).toBe(0);

    const again = await enrolled();
    await disableTwoFactor(
      deps(),
      again.member.userId,
      { password: again.member.password },
      at(60),
    );
    expect((await twoFactorStatus(deps(), again.member.userId)).enabled).toBe(false);
  });

  it('throttles wrong codes with the sign-in limits', async () => {
    const { member, secret } = await enrolled();
    const signInDeps: SignInDeps = {
      db: t.db,
      log: () => {},
      tokenKey: TEST_TOKEN_KEY,
      now: () => at(60),
    };
    const clientKey = `198.51.100.${randomBytes(4).toString('hex')}`;
    const [bad] = await wrongCodes(secret, at(60));
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      const first = await attemptSignIn(signInDeps, { ...member, clientKey });
      if (first.outcome !== 'second_step') throw new Error(first.outcome);
      outcomes.push(
        (
          await attemptSecondStep(signInDeps, {
            challengeToken: first.challengeToken,
            code: bad!,
            clientKey,
          })
        ).outcome,
      );
    }
    expect(outcomes.slice(0, 4)).toEqual(['invalid', 'invalid', 'invalid', 'invalid']);
    expect(outcomes[4]).toBe('throttled');
    // Blocked: even the right password is refused now.
    expect((await attemptSignIn(signInDeps, { ...member, clientKey })).outcome).toBe('throttled');
  });
});

describe('requiring two-step sign-in, profile and organizations', () => {
  let t: TestDatabase;
  const deps = () => ({ db: t.db, tokenKey: TEST_TOKEN_KEY });
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('lets only an owner with 2FA require it, and then flags members without it', async () => {
    const owner = await createAgency(t.db);
    const editorUser = await t.db.user.create({
      data: {
        email: `editor-${randomBytes(4).toString('hex')}@agency.test`,
        name: 'Editor',
        passwordHash: await hashPassword('editor-password'),
      },
    });
    await t.db.member.create({
      data: { organizationId: owner.organizationId, userId: editorUser.id, role: 'editor' },
    });
    await expect(
      setTwoFactorRequirement(t.db, { ...actorOf(owner), role: 'admin' }, true),
    ).rejects.toThrow(/Only owners/);
    await expect(setTwoFactorRequirement(t.db, actorOf(owner), true)).rejects.toThrow(
      /for yourself/,
    );
    const { secret } = await beginTwoFactorEnrollment(deps(), owner.userId);
    await confirmTwoFactorEnrollment(deps(), owner.userId, await totpCodeAt(secret, T0), T0);
    await setTwoFactorRequirement(t.db, actorOf(owner), true);

    const editor = await signIn(t.db, { email: editorUser.email, password: 'editor-password' });
    const session = await resolveSession(t.db, editor!.token);
    expect(session?.mustEnrollTwoFactor).toBe(true);
    expect(session?.organization.requireTwoFactor).toBe(true);
  });

  it('changes the password only with the current one, ending the other sessions', async () => {
    const member = await createAgency(t.db);
    const mine = (await signIn(t.db, member))!;
    const other = (await signIn(t.db, member))!;
    const me = (await resolveSession(t.db, mine.token))!;
    await expect(
      changePassword(t.db, {
        userId: member.userId,
        currentPassword: 'wrong',
        newPassword: 'a new long password',
        keepSessionId: me.sessionId,
      }),
    ).rejects.toThrow(/current password/);
    await expect(
      changePassword(t.db, {
        userId: member.userId,
        currentPassword: member.password,
        newPassword: 'short',
        keepSessionId: me.sessionId,
      }),
    ).rejects.toThrow(/at least 12/);
    const result = await changePassword(t.db, {
      userId: member.userId,
      currentPassword: member.password,
      newPassword: 'a new long password',
      keepSessionId: me.sessionId,
    });
    expect(result.otherSessionsEnded).toBe(1);
    expect(await resolveSession(t.db, mine.token)).not.toBeNull();
    expect(await resolveSession(t.db, other.token)).toBeNull();
    expect(await signIn(t.db, member)).toBeNull();
    expect(
      await signIn(t.db, { email: member.email, password: 'a new long password' }),
    ).not.toBeNull();
  });

  it('switches to another organization the user belongs to, and lands there next time', async () => {
    const member = await createAgency(t.db);
    const stranger = await createAgency(t.db);
    const second = await t.db.organization.create({
      data: { name: 'AAA first by name', slug: `aaa-${randomBytes(4).toString('hex')}` },
    });
    await t.db.member.create({
      data: { organizationId: second.id, userId: member.userId, role: 'viewer' },
    });
    // Never used either: the first by name.
    const first = (await signIn(t.db, member, { now: T0 }))!;
    expect((await resolveSession(t.db, first.token, { now: T0 }))?.organizationId).toBe(second.id);

    expect(await switchOrganization(t.db, first.token, stranger.organizationId, at(1))).toBeNull();
    const switched = (await switchOrganization(t.db, first.token, member.organizationId, at(2)))!;
    expect(switched.token).not.toBe(first.token);
    expect(await resolveSession(t.db, first.token, { now: at(3) })).toBeNull();
    const there = await resolveSession(t.db, switched.token, { now: at(3) });
    expect(there).toMatchObject({ organizationId: member.organizationId, role: 'owner' });

    // The last one used wins at the next sign-in.
    const next = (await signIn(t.db, member, { now: at(10) }))!;
    expect((await resolveSession(t.db, next.token, { now: at(11) }))?.organizationId).toBe(
      member.organizationId,
    );
  });
});
