import type { Db } from '@herald/db';
import { checkBrandProfile, readBrandProfile, type BrandProfile } from '../domain/brand-rules.ts';
import {
  clientNameProblem,
  normalizeTimeZone,
  timeZoneProblem,
} from '../domain/client-settings.ts';
import { recordActivity } from './activity.ts';
import { clientScope, requirePermission, type Actor } from './actor.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';

const accountFields = {
  id: true,
  platform: true,
  handle: true,
  externalId: true,
  status: true,
} as const;

/** The organization's clients with their connected accounts (never their tokens). */
export async function listClients(db: Db, actor: Actor) {
  requirePermission(actor, 'clients:read');
  return db.client.findMany({
    where: clientScope(actor),
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      timezone: true,
      socialAccounts: { select: accountFields, orderBy: { handle: 'asc' } },
    },
  });
}

/**
 * One client with its accounts and its brand profile (what the composer and AI copy check a
 * caption against: domain/brand-rules.ts).
 */
export async function getClient(db: Db, actor: Actor, clientId: string) {
  requirePermission(actor, 'clients:read');
  const client = await db.client.findFirst({
    where: clientScope(actor, clientId),
    select: {
      id: true,
      name: true,
      timezone: true,
      brandProfile: true,
      socialAccounts: { select: accountFields, orderBy: { handle: 'asc' } },
    },
  });
  if (!client) throw new NotFoundError('Client');
  return { ...client, brandProfile: readBrandProfile(client.brandProfile) };
}

export interface ClientSettingsInput {
  name: string;
  /** An IANA zone name; checked with Intl. */
  timezone: string;
}

/** The name and zone to store, or the sentence saying what to fix. */
function checkedSettings(input: ClientSettingsInput): { name: string; timezone: string } {
  const problem = clientNameProblem(input.name) ?? timeZoneProblem(input.timezone);
  if (problem) throw new InvalidInputError(problem);
  return { name: input.name.trim(), timezone: normalizeTimeZone(input.timezone)! };
}

/** A new client of the actor's organization (owners and admins). */
export async function createClient(db: Db, actor: Actor, input: ClientSettingsInput) {
  requirePermission(actor, 'clients:manage');
  const settings = checkedSettings(input);
  return db.$transaction(async (tx) => {
    const client = await tx.client.create({
      data: { organizationId: actor.organizationId, ...settings },
      select: { id: true, name: true, timezone: true },
    });
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'client.created',
      subjectType: 'client',
      subjectId: client.id,
      data: settings,
    });
    return client;
  });
}

/**
 * Renames a client or moves it to another zone. Scheduled posts keep their instants (and the
 * zone each was planned in, stored beside it): a post due at 09:00 in Oslo is still due at
 * that moment after the client moves to New York, where it reads 03:00 (ADR 0043).
 */
export async function updateClient(
  db: Db,
  actor: Actor,
  clientId: string,
  input: ClientSettingsInput,
) {
  requirePermission(actor, 'clients:manage');
  const settings = checkedSettings(input);
  return db.$transaction(async (tx) => {
    const before = await tx.client.findFirst({
      where: clientScope(actor, clientId),
      select: { name: true, timezone: true },
    });
    if (!before) throw new NotFoundError('Client');
    const client = await tx.client.update({
      where: { id: clientId, organizationId: actor.organizationId },
      data: settings,
      select: { id: true, name: true, timezone: true },
    });
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'client.updated',
      subjectType: 'client',
      subjectId: client.id,
      data: { before, after: settings },
    });
    return client;
  });
}

/** Replaces the client's brand profile with what the person wrote (owners and admins). */
export async function updateBrandProfile(
  db: Db,
  actor: Actor,
  clientId: string,
  input: BrandProfile,
): Promise<BrandProfile> {
  requirePermission(actor, 'clients:manage');
  const checked = checkBrandProfile(input);
  if (!checked.ok) throw new InvalidInputError(checked.problems.join(' '));
  return db.$transaction(async (tx) => {
    const { count } = await tx.client.updateMany({
      where: clientScope(actor, clientId),
      data: { brandProfile: { ...checked.profile } },
    });
    if (count === 0) throw new NotFoundError('Client');
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'client.brand_profile_updated',
      subjectType: 'client',
      subjectId: clientId,
    });
    return checked.profile;
  });
}
