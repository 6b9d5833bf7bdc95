// React Router's default Node entry, plus: the environment is checked when the server starts
// rather than at the first request that needs it; inline scripts carry the CSP nonce; and
// unexpected errors are logged once, with the reference the error page shows.
import { PassThrough } from 'node:stream';
import { newErrorReference } from '@herald/api/shared';
import { createReadableStreamFromReadable } from '@react-router/node';
import { isbot } from 'isbot';
import { renderToPipeableStream, type RenderToPipeableStreamOptions } from 'react-dom/server';
import {
  isRouteErrorResponse,
  ServerRouter,
  type EntryContext,
  type HandleErrorFunction,
  type RouterContextProvider,
} from 'react-router';
import { getEnv } from './env.server.ts';
import { errorReferenceContext, nonceContext } from './lib/http/edge.server.ts';
import { ErrorReferenceContext, NonceContext } from './lib/request-context.tsx';

getEnv();

// server.mjs reads this key from the build to hand requests their socket address.
export { socketAddressContext } from './lib/client-address.ts';

export const streamTimeout = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  loadContext: RouterContextProvider,
) {
  const nonce = loadContext.get(nonceContext) ?? undefined;
  const errorReference = loadContext.get(errorReferenceContext)?.current ?? null;
  if (request.method.toUpperCase() === 'HEAD') {
    return new Response(null, { status: responseStatusCode, headers: responseHeaders });
  }

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const userAgent = request.headers.get('user-agent');
    // Crawlers and SPA mode get the whole page at once instead of a stream.
    const readyOption: keyof RenderToPipeableStreamOptions =
      (userAgent && isbot(userAgent)) || routerContext.isSpaMode ? 'onAllReady' : 'onShellReady';
    let timeoutId: ReturnType<typeof setTimeout> | undefined = setTimeout(
      () => abort(),
      streamTimeout + 1000,
    );

    const { pipe, abort } = renderToPipeableStream(
      <NonceContext value={nonce ?? ''}>
        <ErrorReferenceContext value={errorReference}>
          <ServerRouter context={routerContext} url={request.url} nonce={nonce} />
        </ErrorReferenceContext>
      </NonceContext>,
      {
        nonce,
        [readyOption]() {
          shellRendered = true;
          const body = new PassThrough({
            final(callback) {
              clearTimeout(timeoutId);
              timeoutId = undefined;
              callback();
            },
          });
          responseHeaders.set('Content-Type', 'text/html');
          pipe(body);
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
        },
        onShellError(error: unknown) {
          reject(error instanceof Error ? error : new Error(String(error)));
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors before the shell reject above and are logged by React Router.
          if (shellRendered) console.error('Rendering failed after the shell:', error);
        },
      },
    );
  });
}

/**
 * Loader, action and render errors, on the server. A 404 or other error response is an answer
 * (the access log has its line), not an incident with a stack trace.
 */
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  const { pathname } = new URL(request.url);
  if (error instanceof Error && /origin.*Aborting the action/.test(error.message)) {
    // React Router's own cross-site check refused a form post (400): an answer, one line.
    console.warn(`${request.method} ${pathname} refused: it came from another site.`);
    return;
  }
  const reference = newErrorReference();
  const holder = (context as RouterContextProvider).get(errorReferenceContext);
  if (holder) holder.current = reference;
  console.error(`${request.method} ${pathname} failed, reference ${reference}:`, error);
};
