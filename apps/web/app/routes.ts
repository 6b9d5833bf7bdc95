import { index, layout, route, type RouteConfig } from '@react-router/dev/routes';

export default [
  route('login', 'routes/login.tsx'),
  route('logout', 'routes/logout.ts'),
  route('api/trpc/*', 'routes/api.trpc.$.ts'),
  route('api/cron/tick', 'routes/api.cron.tick.ts'),
  route('media/*', 'routes/media.$.ts'),
  route('connect/:platform', 'routes/connect.$platform.ts'),
  route('oauth/:platform/callback', 'routes/oauth.$platform.callback.ts'),
  // Everything below needs a signed-in member; the layout's loader enforces it.
  layout('routes/_app.tsx', [
    index('routes/_app._index.tsx'),
    route('clients/:clientId', 'routes/_app.clients.$clientId.tsx'),
    route(
      'clients/:clientId/connect/:connectionId',
      'routes/_app.clients.$clientId.connect.$connectionId.tsx',
    ),
    route('calendar', 'routes/_app.calendar.tsx'),
    route('clients/:clientId/calendar', 'routes/_app.clients.$clientId.calendar.tsx'),
    route('posts', 'routes/_app.posts.tsx'),
    route('clients/:clientId/posts', 'routes/_app.clients.$clientId.posts.tsx'),
  ]),
  // Platform staff only; a 404 for everyone else, signed in or not (no sign-in redirect).
  route('admin', 'routes/admin.tsx', [
    index('routes/admin._index.tsx'),
    route('queue', 'routes/admin.queue.tsx'),
  ]),
  route('*', 'routes/not-found.tsx'),
] satisfies RouteConfig;
