// After the platform's consent page: the identities the person granted (Pages, organizations,
// locations), to pick which become this client's accounts. Reconnecting one refreshes its
// credentials and resumes its held posts (services/connections.ts).
import {
  connectAccounts,
  ConflictError,
  grantedIdentities,
  InvalidInputError,
  NotFoundError,
} from '@herald/core';
import { PLATFORM_LABELS } from '@herald/core/domain';
import { data, Form, Link, redirect } from 'react-router';
import { connectionDeps } from '../lib/connections.server.ts';
import { readFormBody } from '../lib/form-body.server.ts';
import { requireSession } from '../lib/session.server.ts';
import type { Route } from './+types/_app.clients.$clientId.connect.$connectionId';

export const meta: Route.MetaFunction = () => [{ title: 'Connect accounts · Herald' }];

function answer(error: unknown): never {
  if (error instanceof NotFoundError) throw data('Connection not found', { status: 404 });
  if (error instanceof ConflictError || error instanceof InvalidInputError) {
    throw data(error.message, { status: 409 });
  }
  throw error;
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const session = requireSession({ request, context });
  const granted = await grantedIdentities(connectionDeps(), session, {
    connectionId: params.connectionId,
  }).catch(answer);
  if (granted.clientId !== params.clientId) throw data('Connection not found', { status: 404 });
  return granted;
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const session = requireSession({ request, context });
  const body = await readFormBody(request);
  if (!body.ok) throw data(body.message, { status: body.status });
  const externalIds = body.form.getAll('externalId').map(String);
  if (externalIds.length === 0) return { error: 'Pick at least one account to connect.' };
  const result = await connectAccounts(connectionDeps(), session, {
    connectionId: params.connectionId,
    externalIds,
  }).catch((error: unknown) => {
    if (error instanceof InvalidInputError) return { error: error.message };
    return answer(error);
  });
  if ('error' in result) return result;
  return redirect(`/clients/${result.clientId}/accounts?connected=${result.accounts.length}`);
}

export default function ConnectAccounts({ loaderData, actionData }: Route.ComponentProps) {
  const { platform, identities, clientId } = loaderData;
  const label = PLATFORM_LABELS[platform];
  return (
    <section className="card" aria-labelledby="connect-heading">
      <h1 id="connect-heading">Connect {label} accounts</h1>
      {identities.length === 0 ? (
        <p className="muted">
          {label} granted no accounts.{' '}
          <Link to={`/clients/${clientId}/accounts`}>Back to the accounts</Link>
        </p>
      ) : (
        <Form method="post" className="stack">
          <fieldset className="field">
            <legend>Which should Herald post to for this client?</legend>
            <ul className="account-list">
              {identities.map((identity) => (
                <li key={identity.externalId}>
                  <input
                    type="checkbox"
                    id={`identity-${identity.externalId}`}
                    name="externalId"
                    value={identity.externalId}
                    defaultChecked={identity.connected}
                  />
                  <label htmlFor={`identity-${identity.externalId}`}>
                    {identity.handle}
                    {identity.connected ? (
                      <span className="muted"> (connected: its access is renewed)</span>
                    ) : null}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          {actionData?.error ? (
            <p className="alert" role="alert">
              {actionData.error}
            </p>
          ) : null}
          <div className="row">
            <button type="submit" className="button primary">
              Connect
            </button>
            <Link to={`/clients/${clientId}/accounts`} className="button subtle">
              Cancel
            </Link>
          </div>
        </Form>
      )}
    </section>
  );
}
