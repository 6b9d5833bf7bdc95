// The two v1 APIs Herald reads when a person connects: the Account Management API's
// `GET /v1/accounts` (the accounts the user may manage; pageSize default and maximum 20) and the
// Business Information API's `GET /v1/{parent=accounts/*}/locations` (readMask required, only the
// masked fields answered; pageSize 1–100, default 10). Real hosts:
// mybusinessaccountmanagement.googleapis.com and mybusinessbusinessinformation.googleapis.com.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyUnderFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { accountsOf, findAccount, findLocation, type BusinessLocation } from './directory.ts';
import { googleErrorReply, googleErrors, injectedError } from './errors.ts';
import { admit, isGoogleError } from './request.ts';

const ACCOUNTS_PAGE_MAX = 20;
const LOCATIONS_PAGE_DEFAULT = 10;
const LOCATIONS_PAGE_MAX = 100;

/** Location fields a readMask may name (the Location message's top-level fields). */
const LOCATION_FIELDS = new Set([
  'name',
  'languageCode',
  'storeCode',
  'title',
  'phoneNumbers',
  'categories',
  'storefrontAddress',
  'websiteUri',
  'regularHours',
  'specialHours',
  'serviceArea',
  'labels',
  'adWordsLocationExtensions',
  'latlng',
  'openInfo',
  'metadata',
  'profile',
  'relationshipData',
  'moreHours',
  'serviceItems',
]);

export async function listAccounts(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
): Promise<void> {
  const fault = ctx.store.takeFault('google_business', 'read');
  const act = (): Reply => {
    const caller = admit(req, ctx);
    if (isGoogleError(caller)) return googleErrorReply(caller);
    const page = pageOf(url, 'pageSize', ACCOUNTS_PAGE_MAX, ACCOUNTS_PAGE_MAX);
    if ('error' in page) return page.error;
    const all = accountsOf(caller.userId).map((account) => ({
      name: account.name,
      accountName: account.accountName,
      type: account.type,
      role: account.managers.find((m) => m.userId === caller.userId)!.role,
      verificationState: 'VERIFIED',
      vettedState: 'NOT_VETTED',
      permissionLevel: 'OWNER_LEVEL',
    }));
    return json(200, paged('accounts', all, page));
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

export async function listLocations(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
  accountId: string,
): Promise<void> {
  const fault = ctx.store.takeFault('google_business', 'read');
  const act = (): Reply => {
    const caller = admit(req, ctx);
    if (isGoogleError(caller)) return googleErrorReply(caller);
    const account = findAccount(accountId);
    if (!account) return googleErrorReply(googleErrors.notFound());
    if (!accountsOf(caller.userId).includes(account)) {
      return googleErrorReply(googleErrors.permissionDenied());
    }
    const mask = url.searchParams.get('readMask');
    if (!mask) return googleErrorReply(googleErrors.requiredField('read_mask'));
    const fields = mask.split(',').map((f) => f.trim());
    const unknown = fields.find((f) => !LOCATION_FIELDS.has(f.split('.')[0]!));
    if (unknown !== undefined) {
      return googleErrorReply(
        googleErrors.badPayload(`Invalid field mask provided: ${unknown}`, 'read_mask'),
      );
    }
    const page = pageOf(url, 'pageSize', LOCATIONS_PAGE_DEFAULT, LOCATIONS_PAGE_MAX);
    if ('error' in page) return page.error;
    const all = account.locationIds
      .map((id) => findLocation(id))
      .filter((l): l is BusinessLocation => l !== undefined)
      .map((location) => masked(location, fields));
    return json(200, paged('locations', all, page));
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

/** Only the top-level fields the mask names (sub-paths answer the whole field here). */
function masked(location: BusinessLocation, fields: readonly string[]): Record<string, unknown> {
  const top = new Set(fields.map((f) => f.split('.')[0]!));
  return Object.fromEntries(
    Object.entries(location).filter(([key, value]) => top.has(key) && value !== undefined),
  );
}

interface Page {
  start: number;
  size: number;
}

function pageOf(url: URL, param: string, fallback: number, max: number): Page | { error: Reply } {
  const raw = url.searchParams.get(param);
  const size = raw === null ? fallback : Number(raw);
  if (!Number.isInteger(size) || size < 0) {
    return {
      error: googleErrorReply(
        googleErrors.badPayload(`Invalid value at 'page_size' (TYPE_INT32), "${raw}"`, 'page_size'),
      ),
    };
  }
  const token = url.searchParams.get('pageToken');
  const start = token ? decode(token) : 0;
  if (start === null) {
    return {
      error: googleErrorReply({ code: 400, message: 'Request contains an invalid argument.' }),
    };
  }
  return { start, size: Math.min(size || fallback, max) };
}

function paged<T>(key: string, all: readonly T[], page: Page) {
  const items = all.slice(page.start, page.start + page.size);
  const end = page.start + items.length;
  return {
    ...(items.length > 0 ? { [key]: items } : {}),
    ...(end < all.length ? { nextPageToken: Buffer.from(`p:${end}`).toString('base64url') } : {}),
  };
}

function decode(token: string): number | null {
  const match = /^p:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  return match ? Number(match[1]) : null;
}
