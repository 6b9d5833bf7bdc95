// The shell of the platform staff pages. Outside the agency shell on purpose: a signed-out
// visitor gets the ordinary 404 here, not a sign-in redirect that would betray the page.
import { Form, NavLink, Outlet } from 'react-router';
import { requireStaffPage } from '../lib/admin.server.ts';
import { sessionMiddleware } from '../lib/session.server.ts';
import type { Route } from './+types/admin';

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

export async function loader(args: Route.LoaderArgs) {
  const session = await requireStaffPage(args);
  return { user: session.user };
}

export default function AdminLayout({ loaderData }: Route.ComponentProps) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="app-header-inner">
          <div className="brand">
            <span className="wordmark">Herald</span>
            <span className="org-name">Platform staff</span>
          </div>
          <nav aria-label="Admin" className="client-switcher">
            <NavLink to="/admin/queue" className="client-link">
              Queue
            </NavLink>
          </nav>
          <div className="account">
            <span className="user-name">{loaderData.user.name}</span>
            <Form method="post" action="/logout">
              <button type="submit" className="button subtle small">
                Sign out
              </button>
            </Form>
          </div>
        </div>
      </header>
      <main id="main" className="page">
        <Outlet />
      </main>
    </>
  );
}
