// Demo data for the embedded default and for newcomers: one agency, one owner, two clients
// in different timezones, each with Facebook Pages connected to the platform sandbox; and one
// platform staff member (the admin pages), in an organization of Herald's own.
import type { Db } from './client.ts';
import { encryptSecret, hashPassword, type TokenKeyring } from './credentials.ts';

export const DEMO_LOGIN = { email: 'demo@herald.test', password: 'herald-demo' } as const;

/** Platform staff (users.is_platform_staff): may open /admin/queue. Not a Demo Agency member. */
export const STAFF_LOGIN = { email: 'ops@herald.test', password: 'herald-ops' } as const;

/** Page ids and tokens the sandbox accepts (its tokens are `sbx-page-<pageId>-<anything>`). */
export const DEMO_CLIENTS = [
  {
    name: 'Northwind Coffee',
    timezone: 'America/New_York',
    pages: [
      { externalId: '1000000001', handle: 'Northwind Coffee' },
      { externalId: '1000000003', handle: 'Northwind Roastery' },
    ],
  },
  {
    name: 'Fjord Outdoor',
    timezone: 'Europe/Oslo',
    pages: [{ externalId: '1000000002', handle: 'Fjord Outdoor' }],
    // Accounts on the other platforms the sandbox emulates, with its token convention.
    others: [
      { platform: 'instagram', externalId: '17841400000000002', handle: '@fjordoutdoor' },
      { platform: 'x', externalId: '2000000002', handle: '@fjord_outdoor' },
      {
        platform: 'linkedin',
        externalId: 'urn:li:organization:3000002',
        handle: 'Fjord Outdoor AS',
      },
      { platform: 'tiktok', externalId: '_000FjordOutdoorSbx01', handle: '@fjordoutdoor' },
      { platform: 'youtube', externalId: 'UCfjordoutdoor_sbx000001', handle: 'Fjord Outdoor' },
    ],
  },
] as const;

export interface SeedResult {
  seeded: boolean;
}

/** Seeds the demo agency into an empty database; does nothing when any agency exists. */
export async function seedDemo(db: Db, options: { tokenKey: TokenKeyring }): Promise<SeedResult> {
  if ((await db.organization.count()) > 0) return { seeded: false };
  const passwordHash = await hashPassword(DEMO_LOGIN.password);
  const staffPasswordHash = await hashPassword(STAFF_LOGIN.password);

  await db.$transaction(async (tx) => {
    const org = await tx.organization.create({
      data: { name: 'Demo Agency', slug: 'demo-agency' },
    });
    const user = await tx.user.create({
      data: {
        email: DEMO_LOGIN.email,
        name: 'Dana Demo',
        passwordHash,
        emailVerifiedAt: new Date(),
      },
    });
    await tx.member.create({ data: { organizationId: org.id, userId: user.id, role: 'owner' } });
    for (const client of DEMO_CLIENTS) {
      const row = await tx.client.create({
        data: { organizationId: org.id, name: client.name, timezone: client.timezone },
      });
      for (const page of client.pages) {
        await tx.socialAccount.create({
          data: {
            organizationId: org.id,
            clientId: row.id,
            platform: 'facebook',
            externalId: page.externalId,
            handle: page.handle,
            accessTokenEncrypted: encryptSecret(
              `sbx-page-${page.externalId}-demo`,
              options.tokenKey,
            ),
            status: 'active',
          },
        });
      }
      for (const account of 'others' in client ? client.others : []) {
        await tx.socialAccount.create({
          data: {
            organizationId: org.id,
            clientId: row.id,
            platform: account.platform,
            externalId: account.externalId,
            handle: account.handle,
            accessTokenEncrypted: encryptSecret(
              `sbx-${account.platform}-${account.externalId}-demo`,
              options.tokenKey,
            ),
            status: 'active',
          },
        });
      }
    }
    // Signing in needs a membership; staff get one in Herald's own organization, which has
    // no clients, so the flag (not a role) is all that opens the admin pages.
    const ops = await tx.organization.create({
      data: { name: 'Herald Operations', slug: 'herald-operations' },
    });
    const staff = await tx.user.create({
      data: {
        email: STAFF_LOGIN.email,
        name: 'Olu Ops',
        passwordHash: staffPasswordHash,
        isPlatformStaff: true,
        emailVerifiedAt: new Date(),
      },
    });
    await tx.member.create({ data: { organizationId: ops.id, userId: staff.id, role: 'owner' } });
  });
  return { seeded: true };
}
