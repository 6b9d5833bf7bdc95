// The weekly API version check against a real database, with an injected clock: platform staff
// are told once per version and stage (60 days, 14 days, past), in their own organization;
// nobody else is told.
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfiguredApiVersion } from '../providers/api-versions.ts';
import { checkApiVersions } from './api-version-check.ts';

const day = (iso: string) => new Date(`${iso}T06:41:00Z`);

describe('checkApiVersions', () => {
  let t: TestDatabase;
  let staff: AgencyFixture;
  let member: AgencyFixture;
  let loneStaffId: string;
  const versions: ConfiguredApiVersion[] = [
    {
      api: 'graph',
      version: 'v21.0',
      platforms: ['facebook', 'instagram'],
      setting: 'FACEBOOK_GRAPH_VERSION',
    },
    {
      api: 'linkedin',
      version: '202611',
      platforms: ['linkedin'],
      setting: 'LINKEDIN_API_VERSION',
    },
    { api: 'x', version: '2', platforms: ['x'], setting: null },
  ];

  beforeAll(async () => {
    t = await createTestDatabase();
    staff = await createAgency(t.db);
    member = await createAgency(t.db);
    await t.db.user.update({ where: { id: staff.userId }, data: { isPlatformStaff: true } });
    const lone = await t.db.user.create({
      data: { email: 'ops@herald.test', name: 'Ops', passwordHash: 'x', isPlatformStaff: true },
    });
    loneStaffId = lone.id;
  });
  afterAll(() => t.drop());

  const notices = () =>
    t.db.notification.findMany({
      where: { kind: 'api_version_sunset' },
      orderBy: { createdAt: 'asc' },
    });

  it('says nothing while every sunset is more than 60 days away', async () => {
    const findings = await checkApiVersions({ db: t.db, now: () => day('2026-11-01') }, versions);
    expect(findings.map((f) => [f.label, f.sunset, f.stage])).toEqual([
      ['Graph API v21.0', '2027-01-21', null],
      ['LinkedIn API 202611', '2027-11-01', null],
      ['X API v2', null, null],
    ]);
    expect(await notices()).toEqual([]);
  });

  it('tells staff once at 60 days, again at 14, and once it is past; never anyone else', async () => {
    const sixty = await checkApiVersions({ db: t.db, now: () => day('2026-12-03') }, versions);
    expect(sixty[0]).toMatchObject({ stage: '60d', notified: 1, unreachable: 1 });
    expect(sixty[0]!.message).toBe(
      'Herald publishes to Facebook and Instagram through Graph API v21.0, which is sunset on 2027-01-21, in 49 days. Set FACEBOOK_GRAPH_VERSION to a current version (such as v26.0) and restart the web app and the workers.',
    );
    let rows = await notices();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      organizationId: staff.organizationId,
      userId: staff.userId,
      title: 'Graph API v21.0 stops on 2027-01-21',
      data: { api: 'graph', version: 'v21.0', stage: '60d', key: 'api_version:graph:v21.0:60d' },
    });

    // The next weeks, same stage: nothing new.
    await checkApiVersions({ db: t.db, now: () => day('2026-12-10') }, versions);
    expect(await notices()).toHaveLength(1);

    const fourteen = await checkApiVersions({ db: t.db, now: () => day('2027-01-11') }, versions);
    expect(fourteen[0]).toMatchObject({ stage: '14d', notified: 1 });
    const past = await checkApiVersions({ db: t.db, now: () => day('2027-01-25') }, versions);
    expect(past[0]).toMatchObject({ stage: 'past', notified: 1 });
    expect(past[0]!.message).toMatch(/was sunset on 2027-01-21: calls to it may fail/);
    await checkApiVersions({ db: t.db, now: () => day('2027-02-01') }, versions);

    rows = await notices();
    expect(rows.map((r) => (r.data as { stage: string }).stage)).toEqual(['60d', '14d', 'past']);
    expect(new Set(rows.map((r) => r.userId))).toEqual(new Set([staff.userId]));
    expect(rows.some((r) => r.organizationId === member.organizationId)).toBe(false);
    expect(rows.some((r) => r.userId === loneStaffId)).toBe(false);
  });

  it('warns about a LinkedIn version a year old, and a version it does not know', async () => {
    const findings = await checkApiVersions({ db: t.db, now: () => day('2027-10-20') }, [
      {
        api: 'linkedin',
        version: '202611',
        platforms: ['linkedin'],
        setting: 'LINKEDIN_API_VERSION',
      },
      {
        api: 'graph',
        version: 'v99.0',
        platforms: ['facebook'],
        setting: 'FACEBOOK_GRAPH_VERSION',
      },
    ]);
    expect(findings[0]).toMatchObject({ stage: '14d', sunset: '2027-11-01', notified: 1 });
    expect(findings[0]!.message).toMatch(
      /Set LINKEDIN_API_VERSION to a current version \(such as 202709\)/,
    );
    expect(findings[1]).toMatchObject({ stage: null, notified: 0 });
    expect(findings[1]!.message).toMatch(/not in Herald's table/);
  });
});
