import { createAgency, createTestDatabase, type TestDatabase } from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRole } from '../domain/permissions.ts';
import { actorOf, scheduleOneTarget } from '../testing.ts';
import type { Actor } from './actor.ts';
import {
  createClient,
  getClient,
  listClients,
  updateBrandProfile,
  updateClient,
} from './clients.ts';
import { ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';

describe('reading clients', () => {
  let t: TestDatabase;
  let actor: Actor;
  let clientId: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    const agency = await createAgency(t.db, { role: 'viewer' });
    actor = { userId: agency.userId, organizationId: agency.organizationId, role: agency.role };
    clientId = agency.clientId;
  });
  afterAll(() => t.drop());

  it('lets every role read clients', async () => {
    expect((await listClients(t.db, actor)).map((c) => c.id)).toEqual([clientId]);
    expect((await getClient(t.db, actor, clientId)).id).toBe(clientId);
  });

  it('checks the permission like posts do: a role without clients:read is refused', async () => {
    const stranger = { ...actor, role: 'guest' as unknown as MemberRole };
    await expect(listClients(t.db, stranger)).rejects.toThrow(ForbiddenError);
    await expect(getClient(t.db, stranger, clientId)).rejects.toThrow(ForbiddenError);
  });
});

describe('creating and editing clients', () => {
  let t: TestDatabase;
  let owner: Actor;
  let other: Actor;
  beforeAll(async () => {
    t = await createTestDatabase();
    owner = actorOf(await createAgency(t.db, { role: 'owner' }));
    other = actorOf(await createAgency(t.db, { role: 'owner' }));
  });
  afterAll(() => t.drop());

  it('creates a client in the organization, its zone spelled as Intl knows it', async () => {
    const client = await createClient(t.db, owner, {
      name: ' Alpine Dairy ',
      timezone: 'europe/zurich',
    });
    expect(client).toMatchObject({ name: 'Alpine Dairy', timezone: 'Europe/Zurich' });
    expect((await listClients(t.db, owner)).map((c) => c.name)).toContain('Alpine Dairy');
    expect((await listClients(t.db, other)).map((c) => c.name)).not.toContain('Alpine Dairy');
    const event = await t.db.activityEvent.findFirstOrThrow({ where: { subjectId: client.id } });
    expect([event.action, event.actorUserId]).toEqual(['client.created', owner.userId]);
  });

  it('refuses an unknown zone or a blank name with a sentence, and stores nothing', async () => {
    const before = await t.db.client.count();
    await expect(
      createClient(t.db, owner, { name: 'Mars Base', timezone: 'Mars/Olympus_Mons' }),
    ).rejects.toThrow(
      new InvalidInputError(
        '“Mars/Olympus_Mons” is not a timezone Herald knows. Pick one from the list, such as Europe/Oslo.',
      ),
    );
    await expect(createClient(t.db, owner, { name: ' ', timezone: 'UTC' })).rejects.toThrow(
      'Give the client a name.',
    );
    expect(await t.db.client.count()).toBe(before);
  });

  it('edits name and zone; scheduled posts keep their instants', async () => {
    const agency = await createAgency(t.db, { role: 'admin', timezone: 'Europe/Oslo' });
    const admin = actorOf(agency);
    const scheduledFor = new Date('2030-03-05T08:00:00Z');
    const now = new Date('2030-03-01T00:00:00Z');
    const { targetId } = await scheduleOneTarget(t.db, agency, {
      caption: 'Hello',
      now,
      scheduledFor,
    });
    const client = await updateClient(t.db, admin, agency.clientId, {
      name: 'Renamed',
      timezone: 'America/New_York',
    });
    expect(client).toMatchObject({ name: 'Renamed', timezone: 'America/New_York' });
    const target = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    expect(target.scheduledFor.toISOString()).toBe(scheduledFor.toISOString());
    expect(target.scheduledTimezone).toBe('Europe/Oslo');
  });

  it('lets only owners and admins manage, and only their own organization’s clients', async () => {
    const editorAgency = await createAgency(t.db, { role: 'editor' });
    const editor = actorOf(editorAgency);
    await expect(createClient(t.db, editor, { name: 'No', timezone: 'UTC' })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(
      updateClient(t.db, editor, editorAgency.clientId, { name: 'No', timezone: 'UTC' }),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      updateClient(t.db, other, editorAgency.clientId, { name: 'Stolen', timezone: 'UTC' }),
    ).rejects.toThrow(NotFoundError);
    expect(
      (await t.db.client.findUniqueOrThrow({ where: { id: editorAgency.clientId } })).name,
    ).not.toBe('Stolen');
  });
});

describe('the brand profile', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('is empty for a client that never had one, and comes back with the client once saved', async () => {
    const agency = await createAgency(t.db, { role: 'owner' });
    const owner = actorOf(agency);
    expect((await getClient(t.db, owner, agency.clientId)).brandProfile).toEqual({
      voice: '',
      bannedTopics: [],
      callToAction: '',
      defaultHashtags: [],
    });
    const saved = await updateBrandProfile(t.db, owner, agency.clientId, {
      voice: 'Warm and plain.',
      bannedTopics: ['crypto', ' Crypto '],
      callToAction: 'Book at fjord.no',
      defaultHashtags: ['#Kayak'],
    });
    expect(saved.bannedTopics).toEqual(['crypto']);
    expect((await getClient(t.db, owner, agency.clientId)).brandProfile).toEqual({
      voice: 'Warm and plain.',
      bannedTopics: ['crypto'],
      callToAction: 'Book at fjord.no',
      defaultHashtags: ['Kayak'],
    });
  });

  it('refuses a bad hashtag with its sentence and keeps what was stored', async () => {
    const agency = await createAgency(t.db, { role: 'admin' });
    const admin = actorOf(agency);
    const good = { voice: 'Calm', bannedTopics: [], callToAction: '', defaultHashtags: ['ok'] };
    await updateBrandProfile(t.db, admin, agency.clientId, good);
    await expect(
      updateBrandProfile(t.db, admin, agency.clientId, {
        ...good,
        defaultHashtags: ['summer sale'],
      }),
    ).rejects.toThrow(/“#summer sale” is not a hashtag/);
    expect((await getClient(t.db, admin, agency.clientId)).brandProfile.defaultHashtags).toEqual([
      'ok',
    ]);
  });

  it('is changed only by owners and admins of the client’s organization', async () => {
    const editorAgency = await createAgency(t.db, { role: 'editor' });
    const outsider = actorOf(await createAgency(t.db, { role: 'owner' }));
    const profile = { voice: 'x', bannedTopics: [], callToAction: '', defaultHashtags: [] };
    await expect(
      updateBrandProfile(t.db, actorOf(editorAgency), editorAgency.clientId, profile),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      updateBrandProfile(t.db, outsider, editorAgency.clientId, profile),
    ).rejects.toThrow(NotFoundError);
  });
});
