// Who exists in the emulated Google: a couple of Google users (the people who pick themselves
// on the consent page), the Business Profile accounts each manages, and those accounts'
// locations. Fixed data, so tests and demos know the ids; nothing here changes at run time.
// Two Northwind locations share a title on purpose: chains do, and Herald must tell them apart.

export interface GoogleUser {
  /** Google's numeric user id; tokens minted for tests name it (`sbx-google_business-<id>-…`). */
  id: string;
  name: string;
  email: string;
}

export interface StorefrontAddress {
  regionCode: string;
  languageCode: string;
  postalCode: string;
  locality: string;
  addressLines: string[];
}

export interface BusinessLocation {
  /** As the Business Information API names it: `locations/{id}` (no account segment). */
  name: string;
  title: string;
  storefrontAddress: StorefrontAddress;
  languageCode: string;
  storeCode?: string;
  websiteUri?: string;
}

export interface BusinessAccount {
  /** `accounts/{id}`. */
  name: string;
  accountName: string;
  type: 'PERSONAL' | 'LOCATION_GROUP' | 'USER_GROUP' | 'ORGANIZATION';
  /** The users who may manage it, with the role each has. */
  managers: Array<{ userId: string; role: 'PRIMARY_OWNER' | 'OWNER' | 'MANAGER' | 'SITE_MANAGER' }>;
  /** Location ids (the `{id}` of `locations/{id}`) the account holds. */
  locationIds: string[];
}

export const GOOGLE_USERS: readonly GoogleUser[] = [
  { id: '104000000000000000001', name: 'Avery Lindqvist', email: 'avery@northwind.example' },
  { id: '104000000000000000002', name: 'Sam Okafor', email: 'sam@fjord-outdoor.example' },
];

const address = (
  addressLines: string[],
  locality: string,
  postalCode: string,
  regionCode = 'NO',
): StorefrontAddress => ({ regionCode, languageCode: 'en', postalCode, locality, addressLines });

export const LOCATIONS: readonly BusinessLocation[] = [
  {
    name: 'locations/2200000000000000001',
    title: 'Northwind Coffee',
    storefrontAddress: address(['Strandgaten 12'], 'Bergen', '5013'),
    languageCode: 'en',
    storeCode: 'NW-BGO-1',
  },
  {
    name: 'locations/2200000000000000002',
    title: 'Northwind Coffee',
    storefrontAddress: address(['Torgallmenningen 3'], 'Bergen', '5014'),
    languageCode: 'en',
    storeCode: 'NW-BGO-2',
  },
  {
    name: 'locations/2200000000000000003',
    title: 'Northwind Roastery',
    storefrontAddress: address(['Damsgårdsveien 77'], 'Bergen', '5058'),
    languageCode: 'en',
    websiteUri: 'https://roastery.northwind.example',
  },
  {
    name: 'locations/2200000000000000004',
    title: 'Fjord Outdoor',
    storefrontAddress: address(['Karl Johans gate 5'], 'Oslo', '0154'),
    languageCode: 'en',
  },
  {
    name: 'locations/2200000000000000005',
    title: 'Sandbox Bakery',
    storefrontAddress: address(['1 Market Street'], 'San Francisco', '94105', 'US'),
    languageCode: 'en',
  },
];

const [AVERY, SAM] = GOOGLE_USERS.map((u) => u.id) as [string, string];

export const ACCOUNTS: readonly BusinessAccount[] = [
  {
    name: 'accounts/1100000000000000001',
    accountName: 'Avery Lindqvist',
    type: 'PERSONAL',
    managers: [{ userId: AVERY, role: 'PRIMARY_OWNER' }],
    locationIds: ['2200000000000000001', '2200000000000000002'],
  },
  {
    name: 'accounts/1100000000000000002',
    accountName: 'Northwind Coffee Group',
    type: 'LOCATION_GROUP',
    managers: [
      { userId: AVERY, role: 'OWNER' },
      { userId: SAM, role: 'MANAGER' },
    ],
    locationIds: ['2200000000000000003'],
  },
  {
    name: 'accounts/1100000000000000003',
    accountName: 'Sam Okafor',
    type: 'PERSONAL',
    managers: [{ userId: SAM, role: 'PRIMARY_OWNER' }],
    locationIds: ['2200000000000000004', '2200000000000000005'],
  },
];

export const findUser = (id: string) => GOOGLE_USERS.find((u) => u.id === id);
export const findAccount = (accountId: string) =>
  ACCOUNTS.find((a) => a.name === `accounts/${accountId}`);
export const findLocation = (locationId: string) =>
  LOCATIONS.find((l) => l.name === `locations/${locationId}`);

/** The accounts `userId` may manage, in a stable order. */
export const accountsOf = (userId: string) =>
  ACCOUNTS.filter((a) => a.managers.some((m) => m.userId === userId));

/** How an account's location is named in the v4 API (and in Herald: one account per location). */
export const locationKey = (accountId: string, locationId: string) =>
  `accounts/${accountId}/locations/${locationId}`;
