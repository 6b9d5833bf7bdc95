// `tsx src/main.ts`: the mail catcher as a process (`pnpm dev` starts it beside the sandbox).
import { startMailCatcher } from './index.ts';
import { loadCatcherEnv } from './env.ts';

const env = loadCatcherEnv();
const catcher = await startMailCatcher(env);
console.log(
  `mail catcher: SMTP on ${catcher.smtpUrl}, messages at ${catcher.webUrl} (kept in ${env.dir})`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void catcher.close().then(() => process.exit(0)));
}
