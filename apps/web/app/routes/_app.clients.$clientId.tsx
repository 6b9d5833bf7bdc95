import { getClient, NotFoundError, roleAllows } from '@herald/core';
import { PLATFORM_LABELS } from '@herald/core/domain';
import { data, isRouteErrorResponse, Link, useParams, useRouteError } from 'react-router';
import { z } from 'zod';
import { ComposeForm } from '../components/compose-form.tsx';
import { PostList } from '../components/post-list.tsx';
import { MediaLibrary } from '../components/media-picker.tsx';
import { connectablePlatforms } from '../lib/connections.server.ts';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import { suggestedStart } from '../lib/zoned-input.ts';
import type { Route } from './+types/_app.clients.$clientId';

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `${loaderData.client.name} · Herald` : 'Herald' },
];

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const session = requireSession({ request, context });
  const clientId = z.uuid().safeParse(params.clientId);
  if (!clientId.success) throw data('Client not found', { status: 404 });
  const client = await getClient(db, session, clientId.data).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw data('Client not found', { status: 404 });
    throw error;
  });
  return {
    client: {
      id: client.id,
      name: client.name,
      timezone: client.timezone,
      socialAccounts: client.socialAccounts.map(({ id, platform, handle, status }) => ({
        id,
        platform,
        handle,
        status,
      })),
    },
    canWrite: roleAllows(session.role, 'posts:write'),
    defaultLocal: suggestedStart(Date.now(), client.timezone),
    /** Platforms whose accounts can be connected here (their app credentials are set). */
    connectable: connectablePlatforms(),
    connected: Number(new URL(request.url).searchParams.get('connected') ?? 0),
  };
}

export default function ClientPage({ loaderData }: Route.ComponentProps) {
  const { client, canWrite, defaultLocal, connectable, connected } = loaderData;
  return (
    <div className="client-page">
      <div className="page-header">
        <h1>{client.name}</h1>
        <p className="zone-pill" title="This client's timezone">
          {client.timezone}
        </p>
      </div>
      <div className="columns">
        <section className="card compose" aria-label="Compose">
          {canWrite ? (
            // Keyed by client: switching clients starts a fresh draft in the new client's zone.
            <ComposeForm key={client.id} client={client} defaultLocal={defaultLocal} />
          ) : (
            <p className="muted">Your role can read posts but not schedule them.</p>
          )}
        </section>
        <section className="posts" aria-labelledby="posts-heading">
          <h2 id="posts-heading">Posts</h2>
          <PostList
            key={client.id}
            clientId={client.id}
            timeZone={client.timezone}
            canWrite={canWrite}
          />
        </section>
      </div>
      <section className="card library" aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">Accounts</h2>
        {connected > 0 ? (
          <p className="notice" role="status">
            {connected === 1 ? 'Connected 1 account.' : `Connected ${connected} accounts.`}
          </p>
        ) : null}
        <ul className="account-list">
          {client.socialAccounts.map((account) => (
            <li key={account.id}>
              <span className="platform">{PLATFORM_LABELS[account.platform]}</span> {account.handle}{' '}
              <span className={account.status === 'active' ? 'muted' : 'field-help warn'}>
                {account.status === 'active' ? '' : account.status.replace('_', ' ')}
              </span>
            </li>
          ))}
        </ul>
        {canWrite
          ? connectable.map((platform) => (
              // A link, not a form: the answer redirects to the platform's own consent page,
              // which the CSP's form-action would not allow after a form submission.
              <p key={platform}>
                <a
                  className="button subtle"
                  href={`/connect/${platform}?${new URLSearchParams({ clientId: client.id }).toString()}`}
                >
                  Connect {PLATFORM_LABELS[platform]} accounts
                </a>
              </p>
            ))
          : null}
      </section>
      <section className="card library" aria-labelledby="library-heading">
        <h2 id="library-heading">Media library</h2>
        <MediaLibrary key={client.id} clientId={client.id} canDelete={canWrite} />
      </section>
    </div>
  );
}

/** Rendered inside the signed-in layout, so the header and client switcher stay usable. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { clientId } = useParams();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  if (!notFound) console.error(error);
  return (
    <section className="card empty-state" role="alert">
      <h1>{notFound ? 'Client not found' : 'Something went wrong'}</h1>
      <p className="muted">
        {notFound
          ? 'This client does not exist, or it belongs to another organization.'
          : 'Herald could not load this client. Try again in a moment.'}
      </p>
      <p>
        {notFound || !clientId ? (
          <Link to="/">Back to your clients</Link>
        ) : (
          // Back to the client this happened on, not to whichever client comes first.
          <Link to={`/clients/${clientId}`} reloadDocument>
            Back to this client
          </Link>
        )}
      </p>
    </section>
  );
}
