import { unexpectedErrorMessage } from '@herald/api/shared';
import {
  Button,
  Center,
  ColorSchemeScript,
  MantineProvider,
  mantineHtmlProps,
  Paper,
  Text,
  Title,
} from '@mantine/core';
import chartsStyles from '@mantine/charts/styles.css?url';
import mantineStyles from '@mantine/core/styles.css?url';
import dropzoneStyles from '@mantine/dropzone/styles.css?url';
import { useContext, useEffect, useState, type ReactNode } from 'react';
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
import { edgeMiddleware } from './lib/http/edge.server.ts';
import { ErrorReferenceContext, useNonce, useStyleNonce } from './lib/request-context.tsx';
import { TRPCProvider } from './lib/trpc-provider.tsx';
import { theme } from './theme.ts';
import type { Route } from './+types/root';

export const middleware: Route.MiddlewareFunction[] = [edgeMiddleware];

export const links: Route.LinksFunction = () => [
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
  // Mantine's first, so Herald's own few rules can build on it.
  { rel: 'stylesheet', href: mantineStyles },
  { rel: 'stylesheet', href: dropzoneStyles },
  { rel: 'stylesheet', href: chartsStyles },
  { rel: 'stylesheet', href: stylesheet },
];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const styleNonce = useStyleNonce();
  useEffect(() => {
    // Modals lock the page's scroll with a small <style> (react-remove-scroll), which takes its
    // nonce from this global (get-nonce), not from Mantine's getStyleNonce.
    Object.assign(window, { __webpack_nonce__: styleNonce });
  }, [styleNonce]);
  return (
    <html lang="en" {...mantineHtmlProps}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* Sets light or dark before the first paint, from the viewer's last choice. */}
        <ColorSchemeScript nonce={nonce} defaultColorScheme="auto" />
        <Meta />
        <Links />
      </head>
      <body>
        <MantineProvider theme={theme} defaultColorScheme="auto" getStyleNonce={() => styleNonce}>
          {children}
        </MantineProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
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
  const reference = useErrorReference();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const title = notFound ? 'Page not found' : 'Something went wrong';
  // Never the error's own message: it may carry internals. The server log has the details.
  const detail = notFound
    ? 'The page you asked for does not exist, or it belongs to another organization.'
    : isRouteErrorResponse(error)
      ? `${error.status} ${error.statusText}`
      : unexpectedErrorMessage(reference);
  useEffect(() => {
    // In the browser only: the server logs its errors once, in entry.server's handleError.
    if (!isRouteErrorResponse(error)) console.error(error);
  }, [error]);
  return (
    <Center component="main" mih="100vh" p="md">
      <title>{`${title} · Herald`}</title>
      <Paper withBorder shadow="sm" p="xl" maw={480} w="100%">
        <Text fw={750} c="herald.6" mb="md">
          Herald
        </Text>
        <Title order={1} size="h2">
          {title}
        </Title>
        <Text c="dimmed" mt="xs" data-error-reference={reference ?? undefined}>
          {detail}
        </Text>
        <Button component="a" href="/" mt="lg" variant="light">
          Back to Herald
        </Button>
      </Paper>
    </Center>
  );
}

/**
 * The server render gets the reference from entry.server; hydration reads it back from the
 * page so both render the same text. Errors of client-side navigations have none.
 */
function useErrorReference(): string | null {
  const fromServer = useContext(ErrorReferenceContext);
  const [reference] = useState(
    () =>
      fromServer ??
      (typeof document === 'undefined'
        ? null
        : (document.querySelector<HTMLElement>('[data-error-reference]')?.dataset.errorReference ??
          null)),
  );
  return reference;
}
