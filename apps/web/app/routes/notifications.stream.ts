// New notifications for the signed-in member, as Server-Sent Events (ADR 0040). The browser's
// EventSource reconnects by itself; each event is a notification re-read from the database
// under this session's scope, or a `resync` after the server's listening connection dropped.
import { getNotificationHub, openStreams } from '../lib/notification-hub.server.ts';
import { sessionContext, sessionMiddleware } from '../lib/session.server.ts';
import type { Route } from './+types/notifications.stream';

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

/** A comment line now and then, so proxies do not cut an idle stream. */
const KEEP_ALIVE_MS = 25_000;

export function loader(args: Route.LoaderArgs) {
  // A stream is no page to redirect: signed out is a plain 401, and EventSource stops there.
  const session = args.context.get(sessionContext);
  if (!session) return new Response('Sign in to continue.', { status: 401 });
  const actor = {
    userId: session.userId,
    organizationId: session.organizationId,
    role: session.role,
  };
  const hub = getNotificationHub();
  const encoder = new TextEncoder();
  let end = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const write = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      const send = (event: string, data: unknown) =>
        write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      // Reconnect after 3 s if the stream ends; the page refetches on `ready`.
      write('retry: 3000\n\n');
      const unsubscribe = hub.subscribe(actor, {
        onNotification: (notification) => send('notification', notification),
        onResync: () => send('resync', {}),
      });
      const keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      end = () => {
        if (!open) return;
        open = false;
        clearInterval(keepAlive);
        unsubscribe();
        openStreams.delete(end);
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      openStreams.add(end);
      args.request.signal.addEventListener('abort', end, { once: true });
      void hub.ready.then(() => send('ready', {}));
    },
    cancel() {
      end();
    },
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform: the compression middleware leaves the stream alone (it would buffer it).
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    },
  });
}
