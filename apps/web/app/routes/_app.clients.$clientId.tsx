import { getClient, NotFoundError, roleAllows } from '@herald/core';
import { data, isRouteErrorResponse, Link, useParams, useRouteError } from 'react-router';
import { z } from 'zod';
import { ComposeForm } from '../components/compose-form.tsx';
import { PostList } from '../components/post-list.tsx';
import { MediaLibrary } from '../components/media-picker.tsx';
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
  };
}

export default function ClientPage({ loaderData }: Route.ComponentProps) {
  const { client, canWrite, defaultLocal } = loaderData;
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
