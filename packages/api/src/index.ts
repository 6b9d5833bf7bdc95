export { appRouter, createCaller, type AppRouter } from './root.ts';
export {
  createContext,
  type Context,
  type ContextMail,
  type CreateContextOptions,
  type PlatformApis,
} from './trpc.ts';
export { hasSessionCookie, readSessionToken, SESSION_COOKIE } from './session-cookie.ts';
export { createTrpcHandler, type TrpcHandlerOptions } from './http.ts';
export { createCallRateLimiter, type CallRateLimiter } from './rate-limit.ts';
export type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
