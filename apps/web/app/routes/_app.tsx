// The signed-in shell: every child route renders inside it, and its loader turns away
// anyone without a session. Its middleware resolves the session once for the whole request.
import { listClients } from '@herald/core';
import { Form, NavLink, Outlet, redirect } from 'react-router';
import { ColorSchemeToggle } from '../components/color-scheme-toggle.tsx';
import { VerifyEmailBanner } from '../components/verify-email-banner.tsx';
import { NotificationBell } from '../components/notification-bell.tsx';
import { db } from '../lib/db.server.ts';
import { requireSession, sessionMiddleware } from '../lib/session.server.ts';
import type { Route } from './+types/_app';

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

export async function loader(args: Route.LoaderArgs) {
  const session = requireSession(args);
  // The organization requires two-step sign-in: setting it up comes before anything else.
  if (session.mustEnrollTwoFactor && new URL(args.request.url).pathname !== '/settings') {
    throw redirect('/settings');
  }
  const clients = await listClients(db, session);
  return {
    user: session.user,
    organization: session.organization,
    role: session.role,
    clients: clients.map(({ id, name }) => ({ id, name })),
  };
}

export default function SignedInLayout({ loaderData }: Route.ComponentProps) {
  const { user, organization, clients } = loaderData;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="app-header-inner">
          <div className="brand">
            <span className="wordmark">Herald</span>
            <span className="org-name">{organization.name}</span>
          </div>
          {clients.length > 0 ? (
            <nav aria-label="Clients" className="client-switcher">
              {clients.map((client) => (
                <NavLink key={client.id} to={`/clients/${client.id}`} className="client-link">
                  {client.name}
                </NavLink>
              ))}
            </nav>
          ) : null}
          <div className="account">
            {loaderData.role === 'client_approver' ? null : (
              <NavLink to="/settings/team" className="client-link">
                Team
              </NavLink>
            )}
            <ColorSchemeToggle />
            <NotificationBell />
            <span className="user-name">{user.name}</span>
            <Form method="post" action="/logout">
              <button type="submit" className="button subtle small">
                Sign out
              </button>
            </Form>
          </div>
        </div>
      </header>
      <main id="main" className="page">
        {user.emailVerified ? null : <VerifyEmailBanner email={user.email} />}
        <Outlet />
      </main>
    </>
  );
}
