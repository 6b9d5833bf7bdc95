// Who the sandbox's LinkedIn member is, which organization pages they administer, and the two
// calls Herald makes to list them (Microsoft Learn, "Organization Access Control by Role" and
// "Organization Lookup API"): `GET /rest/organizationAcls?q=roleAssignee&role&state` (the
// token's member's roles; here only the organizations the member granted on the consent page)
// and `GET /rest/organizations/{id}` (localizedName, vanityName). Both are versioned REST calls.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyUnderFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { injectedLinkedInError, linkedinErrorReply, linkedinErrors } from './errors.ts';
import { isLinkedInError, restRefusal } from './request.ts';

/** The member the sandbox's person signs in to LinkedIn as. */
export const SANDBOX_LINKEDIN_MEMBER = {
  sub: 'sbxDana42',
  urn: 'urn:li:person:sbxDana42',
  name: 'Dana Demo',
  givenName: 'Dana',
  familyName: 'Demo',
} as const;

/** Organization pages the member administers (the demo seed's among them). */
export const SANDBOX_LINKEDIN_ORGANIZATIONS = [
  { id: '3000001', name: 'Northwind Coffee Co.', vanityName: 'northwind-coffee' },
  { id: '3000002', name: 'Fjord Outdoor AS', vanityName: 'fjord-outdoor' },
  { id: '3000004', name: 'Sandbox Bakery Ltd', vanityName: 'sandbox-bakery' },
] as const;

export function administeredOrganizations(memberUrn: string) {
  if (memberUrn !== SANDBOX_LINKEDIN_MEMBER.urn) return [];
  return SANDBOX_LINKEDIN_ORGANIZATIONS.map((o) => ({ ...o, urn: `urn:li:organization:${o.id}` }));
}

const ROLES = ['ADMINISTRATOR', 'DIRECT_SPONSORED_CONTENT_POSTER', 'RECRUITING_POSTER'];
const STATES = ['APPROVED', 'REQUESTED', 'REVOKED'];
const ADMIN_SCOPES = ['rw_organization_admin', 'r_organization_admin'];

/** `GET /rest/organizationAcls?q=roleAssignee`: the organizations the token's member administers. */
export async function organizationAcls(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
): Promise<void> {
  const fault = ctx.store.takeFault('linkedin', 'read');
  const act = (): Reply => {
    const auth = restRefusal(req, ctx.store, new Date());
    if (isLinkedInError(auth)) return linkedinErrorReply(auth);
    const params = url.searchParams;
    if (params.get('q') !== 'roleAssignee') {
      return linkedinErrorReply(linkedinErrors.badFinderParameter('q'));
    }
    const role = params.get('role');
    const state = params.get('state');
    if (role !== null && !ROLES.includes(role)) {
      return linkedinErrorReply(linkedinErrors.badFinderParameter('role'));
    }
    if (state !== null && !STATES.includes(state)) {
      return linkedinErrorReply(linkedinErrors.badFinderParameter('state'));
    }
    if (auth.scope && !auth.scope.split(' ').some((s) => ADMIN_SCOPES.includes(s))) {
      return linkedinErrorReply(linkedinErrors.accessDenied('GET', '/organizationAcls'));
    }
    const start = Number(params.get('start') ?? 0);
    const count = Number(params.get('count') ?? 10);
    if (!Number.isInteger(start) || start < 0) {
      return linkedinErrorReply(linkedinErrors.badFinderParameter('start'));
    }
    if (!Number.isInteger(count) || count < 0) {
      return linkedinErrorReply(linkedinErrors.badFinderParameter('count'));
    }
    // Every role the sandbox hands out is an approved administrator.
    const matches =
      (role ?? 'ADMINISTRATOR') === 'ADMINISTRATOR' && (state ?? 'APPROVED') === 'APPROVED';
    const granted = auth.actsFor.filter((urn) => urn.startsWith('urn:li:organization:'));
    const elements = (matches ? granted : []).map((organization) => ({
      roleAssignee: auth.accountId,
      role: 'ADMINISTRATOR',
      state: 'APPROVED',
      organization,
    }));
    return json(
      200,
      {
        paging: { start, count, links: [], total: elements.length },
        elements: elements.slice(start, start + count),
      },
      { 'x-restli-protocol-version': '2.0.0' },
    );
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}

/** `GET /rest/organizations/{id}`: an organization's names. */
export async function organization(
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  ctx: SandboxContext,
): Promise<void> {
  const fault = ctx.store.takeFault('linkedin', 'read');
  const act = (): Reply => {
    const auth = restRefusal(req, ctx.store, new Date());
    if (isLinkedInError(auth)) return linkedinErrorReply(auth);
    const found = SANDBOX_LINKEDIN_ORGANIZATIONS.find((o) => o.id === id);
    if (!found) return linkedinErrorReply(linkedinErrors.notFound(`/organizations/${id}`));
    return json(
      200,
      {
        id: Number(found.id),
        localizedName: found.name,
        vanityName: found.vanityName,
        name: {
          localized: { en_US: found.name },
          preferredLocale: { country: 'US', language: 'en' },
        },
        primaryOrganizationType: 'NONE',
      },
      { 'x-restli-protocol-version': '2.0.0' },
    );
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}
