// The browser's typed tRPC client. Only types come from @herald/api, so no server code
// reaches the client bundle.
import type { AppRouter, inferRouterOutputs } from '@herald/api';
import { createTRPCReact } from '@trpc/react-query';

export const trpc = createTRPCReact<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type PostView = RouterOutputs['posts']['list'][number];
export type TargetView = PostView['targets'][number];
