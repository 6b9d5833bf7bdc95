import { accountsRouter } from './routers/accounts/router.ts';
import { activityRouter } from './routers/activity/router.ts';
import { notificationsRouter } from './routers/notifications/router.ts';
import { adminRouter } from './routers/admin/router.ts';
import { clientsRouter } from './routers/clients/router.ts';
import { meRouter } from './routers/me/router.ts';
import { mediaRouter } from './routers/media/router.ts';
import { postsRouter } from './routers/posts/router.ts';
import { queueRouter } from './routers/queue/router.ts';
import { teamRouter } from './routers/team/router.ts';
import { reviewsRouter } from './routers/reviews/router.ts';
import { calendarRouter } from './routers/calendar/router.ts';
import { createCallerFactory, router } from './trpc.ts';

export const appRouter = router({
  me: meRouter,
  accounts: accountsRouter,
  admin: adminRouter,
  clients: clientsRouter,
  media: mediaRouter,
  posts: postsRouter,
  queue: queueRouter,
  team: teamRouter,
  reviews: reviewsRouter,
  notifications: notificationsRouter,
  activity: activityRouter,
  calendar: calendarRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
