// Herald's production HTTP server for the web app: React Router's Express adapter, static
// assets, compression and an access log — what react-router-serve does, plus the one thing it
// cannot: handing the app the client's socket address (sign-in throttling keys on it).
// Usage: node server.mjs            (PORT, default 3000; HOST, default all interfaces)
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequestHandler } from '@react-router/express';
import compression from 'compression';
import express from 'express';
import morgan from 'morgan';
import { RouterContextProvider } from 'react-router';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverBuild = path.join(here, 'build/server/index.js');
const clientDir = path.join(here, 'build/client');

/** @type {import('react-router').ServerBuild} */
const build = await import(pathToFileURL(serverBuild).href);
// The context key must be the build's own object, so the app exports it from its entry.
const { socketAddressContext } = build.entry.module;
if (!socketAddressContext) throw new Error(`${serverBuild} does not export socketAddressContext`);

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST;

const app = express();
app.disable('x-powered-by');
app.use(compression());
// Static files never reach the app's middleware: give them the headers safe on any response
// (the app sets these, and its CSP, on everything it answers itself).
/** @param {import('express').Response} res */
const safeHeaders = (res) =>
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
  });
app.use(
  '/assets',
  express.static(path.join(clientDir, 'assets'), {
    immutable: true,
    maxAge: '1y',
    setHeaders: safeHeaders,
  }),
);
app.use(express.static(clientDir, { maxAge: '1h', setHeaders: safeHeaders }));
app.use(morgan('tiny'));
app.all(
  '*',
  createRequestHandler({
    build,
    mode: process.env.NODE_ENV,
    getLoadContext: (req) =>
      new RouterContextProvider(
        new Map([[socketAddressContext, req.socket.remoteAddress ?? null]]),
      ),
  }),
);

const server = app.listen(port, host, () => {
  console.log(`[herald-web] listening on http://${host ?? 'localhost'}:${port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => server.close((error) => (error ? console.error(error) : undefined)));
}
