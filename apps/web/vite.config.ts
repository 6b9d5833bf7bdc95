import { reactRouter } from '@react-router/dev/vite';
import { defineConfig } from 'vite';

/** Reached only from server code (loaders, *.server.ts); the browser never loads them. */
const SERVER_ONLY_PACKAGES = ['@node-rs/argon2', '@prisma/client', '@prisma/adapter-pg', 'pg'];

export default defineConfig({
  plugins: [reactRouter()],
  ssr: {
    // Workspace packages ship TypeScript source, so they must be bundled into the server
    // build; third-party packages stay external and come from this app's own dependencies.
    noExternal: [/^@herald\//],
  },
  optimizeDeps: {
    // The dev pre-bundler crawls route modules, server imports included, and would try to
    // bundle these native/Node packages for the browser (and fail on argon2's wasm fallback).
    exclude: SERVER_ONLY_PACKAGES,
    // Listed up front because the crawl finishes after the first page load, and every late
    // discovery reloads the page (zod and @trpc/server come from the loaders' side).
    include: [
      '@tanstack/react-query',
      '@trpc/client',
      '@trpc/react-query',
      '@trpc/server',
      'superjson',
      'zod',
    ],
  },
});
