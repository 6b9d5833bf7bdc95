// `tsx src/main.ts` / `node dist/main.js`: the sandbox as a process (PORT, HOST, PUBLIC_URL,
// SANDBOX_STATE_DIR, SANDBOX_TOKEN_TTL_SECONDS; env.ts).
import path from 'node:path';
import { loadSandboxEnv } from './env.ts';
import { startSandbox } from './server.ts';

const env = loadSandboxEnv();
const sandbox = await startSandbox({
  port: env.PORT,
  host: env.HOST,
  ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
  latencyMs: env.LATENCY_MS,
  ...(env.SANDBOX_STATE_DIR ? { stateDir: path.resolve(env.SANDBOX_STATE_DIR) } : {}),
  ...(env.SANDBOX_TOKEN_TTL_SECONDS
    ? { accessTokenTtlSeconds: env.SANDBOX_TOKEN_TTL_SECONDS }
    : {}),
  log: true,
}).catch((error: NodeJS.ErrnoException) => {
  console.error(
    error.code === 'EADDRINUSE'
      ? `sandbox: port ${env.PORT} is taken; stop whatever uses it or set PORT.`
      : `sandbox: could not start: ${error.message}`,
  );
  process.exit(1);
});
console.log(`sandbox: listening on ${sandbox.url} (Facebook Graph at ${sandbox.facebookBaseUrl})`);
if (!env.SANDBOX_STATE_DIR)
  console.log('sandbox: SANDBOX_STATE_DIR unset; state is kept in memory only');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
