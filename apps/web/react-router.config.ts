import type { Config } from '@react-router/dev/config';

export default {
  // Server rendering: loaders read the session cookie and talk to core services directly.
  ssr: true,
  // A new app: take React Router 8's behaviour now rather than migrate to it later.
  future: {
    v8_middleware: true,
    v8_splitRouteModules: true,
    v8_viteEnvironmentApi: true,
    v8_trailingSlashAwareDataRequests: true,
    // Left off: it hands loaders the raw `.data` URL, and requireSession builds the
    // post-sign-in redirect from request.url. Adopt it together with the `url` argument.
    v8_passThroughRequests: false,
  },
} satisfies Config;
