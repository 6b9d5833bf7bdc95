import { index, layout, route, type RouteConfig } from '@react-router/dev/routes';

export default [
  route('login', 'routes/login.tsx'),
  route('logout', 'routes/logout.ts'),
  route('api/trpc/*', 'routes/api.trpc.$.ts'),
  route('api/cron/tick', 'routes/api.cron.tick.ts'),
  // Everything below needs a signed-in member; the layout's loader enforces it.
  layout('routes/_app.tsx', [
    index('routes/_app._index.tsx'),
    route('clients/:clientId', 'routes/_app.clients.$clientId.tsx'),
    route('admin/queue', 'routes/_app.admin.queue.tsx'),
  ]),
  route('*', 'routes/not-found.tsx'),
] satisfies RouteConfig;
