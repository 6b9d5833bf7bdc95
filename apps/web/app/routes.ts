import { index, layout, route, type RouteConfig } from '@react-router/dev/routes';

export default [
  route('login', 'routes/login.tsx'),
  route('logout', 'routes/logout.ts'),
  route('signup', 'routes/signup.tsx'),
  route('verify-email/:token', 'routes/verify-email.$token.tsx'),
  route('forgot-password', 'routes/forgot-password.tsx'),
  route('reset-password/:token', 'routes/reset-password.$token.tsx'),
  route('invite/:token', 'routes/invite.$token.tsx'),
  route('switch-organization', 'routes/switch-organization.ts'),
  route('api/trpc/*', 'routes/api.trpc.$.ts'),
  route('api/cron/tick', 'routes/api.cron.tick.ts'),
  route('media/*', 'routes/media.$.ts'),
  route('notifications/stream', 'routes/notifications.stream.ts'),
  route('connect/:platform', 'routes/connect.$platform.ts'),
  route('oauth/:platform/callback', 'routes/oauth.$platform.callback.ts'),
  // Public: a client reviews one post through a signed, expiring link (no account).
  route('review/:token', 'routes/review.$token.tsx'),
  // Everything below needs a signed-in member; the layout's loader enforces it.
  layout('routes/_app.tsx', [
    index('routes/_app._index.tsx'),
    route('clients/:clientId', 'routes/_app.clients.$clientId.tsx'),
    route('clients/new', 'routes/_app.clients.new.tsx'),
    route('clients/:clientId/settings', 'routes/_app.clients.$clientId.settings.tsx'),
    route('clients/:clientId/accounts', 'routes/_app.clients.$clientId.accounts.tsx'),
    route(
      'clients/:clientId/connect/:connectionId',
      'routes/_app.clients.$clientId.connect.$connectionId.tsx',
    ),
    route('settings/team', 'routes/_app.settings.team.tsx'),
    route('posts/:postId', 'routes/_app.posts.$postId.tsx'),
    route('approvals', 'routes/_app.approvals.tsx'),
    route('notifications', 'routes/_app.notifications.tsx'),
    route('notifications/preferences', 'routes/_app.notifications.preferences.tsx'),
    route('activity', 'routes/_app.activity.tsx'),
    route('clients/:clientId/activity', 'routes/_app.clients.$clientId.activity.tsx'),
    route('settings', 'routes/_app.settings.tsx'),
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
