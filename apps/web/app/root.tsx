import type { ReactNode } from 'react';
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from 'react-router';
import stylesheet from './app.css?url';
import { TRPCProvider } from './lib/trpc-provider.tsx';
import type { Route } from './+types/root';

export const links: Route.LinksFunction = () => [
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
  { rel: 'stylesheet', href: stylesheet },
];

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <TRPCProvider>
      <Outlet />
    </TRPCProvider>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const title = notFound ? 'Page not found' : 'Something went wrong';
  const detail = notFound
    ? 'The page you asked for does not exist, or it belongs to another organization.'
    : isRouteErrorResponse(error)
      ? `${error.status} ${error.statusText}`
      : 'Herald hit an unexpected error. Try again in a moment.';
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <main className="centered">
      <div className="card narrow">
        <h1>{title}</h1>
        <p className="muted">{detail}</p>
        <p>
          <a href="/">Back to Herald</a>
        </p>
      </div>
    </main>
  );
}
