// Connecting a client's accounts through each platform's own OAuth flow (issue 8):
//   1. start:   a row with a random `state` and a PKCE verifier; the person is sent to the
//               platform's consent page (a connector builds its URL)
//   2. return:  the callback finds the row by `state` (single use, same person, not expired),
//               exchanges the code, and keeps what was granted, encrypted, on the row
//   3. choose:  the person picks which identities become accounts; existing ones (reconnects)
//               get the new credentials and their held posts resume, in one transaction
import { createHash, randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, type Db, type TokenKeyring } from '@herald/db';
import { PLATFORM_LABELS, type Platform } from '../domain/platforms.ts';
import type { GrantedIdentity, PlatformConnector } from '../providers/types.ts';
import { resumeAccountTargets } from './account-holds.ts';
import { clientRowScope, clientScope, requirePermission, type Actor } from './actor.ts';
import { recordActivity } from './activity.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';

export interface ConnectionDeps {
  db: Db;
  /** The platform's OAuth flow; null for a platform that cannot be connected here. */
  connectorFor: (platform: Platform) => PlatformConnector | null;
  /** Seals granted tokens (current key) and opens them (any key of the ring). */
  tokenKey: TokenKeyring;
  now?: () => Date;
}

/** How long a person has between leaving for the platform and picking identities. */
export const CONNECTION_TTL_MS = 15 * 60_000;

const clockOf = (deps: ConnectionDeps) => deps.now ?? (() => new Date());
const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** Creates the pending connection and answers the platform's consent URL to send the person to. */
export async function startConnection(
  deps: ConnectionDeps,
  actor: Actor,
  input: { clientId: string; platform: Platform; redirectUri: string },
): Promise<{ url: string; connectionId: string }> {
  requirePermission(actor, 'posts:write');
  const client = await deps.db.client.findFirst({
    where: clientScope(actor, input.clientId),
    select: { id: true },
  });
  if (!client) throw new NotFoundError('Client');
  const connector = deps.connectorFor(input.platform);
  if (!connector) {
    throw new InvalidInputError(
      `Herald cannot connect ${PLATFORM_LABELS[input.platform]} accounts on this server yet.`,
    );
  }
  const state = base64url(randomBytes(32));
  const codeVerifier = base64url(randomBytes(48));
  const now = clockOf(deps)();
  const row = await deps.db.oAuthConnection.create({
    data: {
      organizationId: actor.organizationId,
      clientId: client.id,
      userId: actor.userId,
      platform: input.platform,
      state,
      codeVerifier,
      expiresAt: new Date(now.getTime() + CONNECTION_TTL_MS),
    },
  });
  const codeChallenge = base64url(createHash('sha256').update(codeVerifier).digest());
  return {
    connectionId: row.id,
    url: connector.authorizeUrl({
      redirectUri: input.redirectUri,
      state,
      codeVerifier,
      codeChallenge,
    }),
  };
}

/**
 * The platform sent the person back with `code` (or an error). Only the person who started the
 * connection, within its lifetime, and only once, gets through.
 */
export async function finishAuthorization(
  deps: ConnectionDeps,
  actor: Actor,
  input: {
    platform: Platform;
    state: string;
    redirectUri: string;
    code?: string | null;
    /** What the platform said instead of a code (the person declined, …). */
    error?: string | null;
  },
): Promise<{ connectionId: string; clientId: string }> {
  const now = clockOf(deps)();
  // Claimed in one statement: a replayed callback finds nothing to claim.
  const claimed = await deps.db.oAuthConnection.updateMany({
    where: {
      state: input.state,
      platform: input.platform,
      ...clientRowScope(actor),
      userId: actor.userId,
      completedAt: null,
      identitiesEncrypted: null,
      expiresAt: { gt: now },
    },
    data: { identitiesEncrypted: '' },
  });
  if (claimed.count === 0) {
    throw new InvalidInputError(
      'This sign-in link has expired or was already used. Start connecting the account again.',
    );
  }
  const row = await deps.db.oAuthConnection.findUniqueOrThrow({ where: { state: input.state } });
  if (!input.code) {
    await deps.db.oAuthConnection.update({ where: { id: row.id }, data: { completedAt: now } });
    throw new InvalidInputError(
      input.error
        ? `The platform did not grant access (${input.error}). Nothing was connected.`
        : 'The platform sent no authorization code. Nothing was connected.',
    );
  }
  let identities: GrantedIdentity[];
  try {
    const connector = deps.connectorFor(input.platform);
    if (!connector) throw new Error('this platform cannot be connected here');
    identities = await connector.complete({
      code: input.code,
      redirectUri: input.redirectUri,
      codeVerifier: row.codeVerifier,
    });
  } catch (error) {
    await deps.db.oAuthConnection.update({ where: { id: row.id }, data: { completedAt: now } });
    throw new InvalidInputError(
      `The platform would not finish connecting: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  await deps.db.oAuthConnection.update({
    where: { id: row.id },
    data: { identitiesEncrypted: encryptSecret(JSON.stringify(identities), deps.tokenKey) },
  });
  return { connectionId: row.id, clientId: row.clientId };
}

async function pendingConnection(deps: ConnectionDeps, actor: Actor, connectionId: string) {
  const row = await deps.db.oAuthConnection.findFirst({
    where: { id: connectionId, ...clientRowScope(actor), userId: actor.userId },
  });
  if (!row) throw new NotFoundError('Connection');
  if (row.completedAt || !row.identitiesEncrypted) {
    throw new ConflictError('This connection is finished. Start connecting the account again.');
  }
  if (row.expiresAt.getTime() <= clockOf(deps)().getTime()) {
    throw new ConflictError('This connection has expired. Start connecting the account again.');
  }
  const identities = (
    JSON.parse(decryptSecret(row.identitiesEncrypted, deps.tokenKey)) as (Omit<
      GrantedIdentity,
      'expiresAt'
    > & { expiresAt: string | null })[]
  ).map((i) => ({ ...i, expiresAt: i.expiresAt ? new Date(i.expiresAt) : null }));
  return { row, identities };
}

/** What the person granted, without the tokens, and which are this client's accounts already. */
export async function grantedIdentities(
  deps: ConnectionDeps,
  actor: Actor,
  input: { connectionId: string },
) {
  requirePermission(actor, 'posts:write');
  const { row, identities } = await pendingConnection(deps, actor, input.connectionId);
  const existing = await deps.db.socialAccount.findMany({
    where: {
      organizationId: actor.organizationId,
      clientId: row.clientId,
      platform: row.platform,
      externalId: { in: identities.map((i) => i.externalId) },
    },
    select: { externalId: true },
  });
  const known = new Set(existing.map((a) => a.externalId));
  return {
    clientId: row.clientId,
    platform: row.platform,
    identities: identities.map((i) => ({
      externalId: i.externalId,
      handle: i.handle,
      connected: known.has(i.externalId),
    })),
  };
}

/**
 * Makes the chosen identities accounts of the client: new ones are created, known ones get the
 * fresh credentials, become active, and whatever waited for them resumes. One transaction; the
 * granted tokens are wiped from the connection row.
 */
export async function connectAccounts(
  deps: ConnectionDeps,
  actor: Actor,
  input: { connectionId: string; externalIds: string[] },
) {
  requirePermission(actor, 'posts:write');
  const { row, identities } = await pendingConnection(deps, actor, input.connectionId);
  const chosen = [...new Set(input.externalIds)];
  if (chosen.length === 0) throw new InvalidInputError('Pick at least one account to connect.');
  const byId = new Map(identities.map((i) => [i.externalId, i]));
  const missing = chosen.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new InvalidInputError('Pick only accounts the platform granted in this connection.');
  }
  const now = clockOf(deps)();
  return deps.db.$transaction(async (tx) => {
    const done = await tx.oAuthConnection.updateMany({
      where: { id: row.id, completedAt: null },
      data: { completedAt: now, identitiesEncrypted: null },
    });
    if (done.count === 0) throw new ConflictError('This connection is finished already.');
    const accounts: { id: string; handle: string; reconnected: boolean }[] = [];
    for (const externalId of chosen) {
      const identity = byId.get(externalId)!;
      const credentials = {
        handle: identity.handle,
        accessTokenEncrypted: encryptSecret(identity.accessToken, deps.tokenKey),
        refreshTokenEncrypted: identity.refreshToken
          ? encryptSecret(identity.refreshToken, deps.tokenKey)
          : null,
        tokenExpiresAt: identity.expiresAt,
        status: 'active' as const,
        statusReason: null,
      };
      const existing = await tx.socialAccount.findUnique({
        where: {
          clientId_platform_externalId: {
            clientId: row.clientId,
            platform: row.platform,
            externalId,
          },
        },
        select: { id: true },
      });
      const account = existing
        ? await tx.socialAccount.update({ where: { id: existing.id }, data: credentials })
        : await tx.socialAccount.create({
            data: {
              organizationId: row.organizationId,
              clientId: row.clientId,
              platform: row.platform,
              externalId,
              ...credentials,
            },
          });
      if (existing) {
        await resumeAccountTargets(tx, {
          accountId: account.id,
          organizationId: row.organizationId,
          now,
        });
      }
      await recordActivity(tx, {
        organizationId: row.organizationId,
        actorUserId: actor.userId,
        action: existing ? 'account.reconnected' : 'account.connected',
        subjectType: 'social_account',
        subjectId: account.id,
        data: { platform: row.platform, externalId },
      });
      accounts.push({ id: account.id, handle: account.handle, reconnected: Boolean(existing) });
    }
    return { clientId: row.clientId, accounts };
  });
}
