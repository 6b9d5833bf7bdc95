// A real separate process for tests (web server, worker), with its output kept for failures.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildProcessHandle {
  output: string[];
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<void>;
  waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
  /** SIGKILL to the whole process group, as an OOM killer or a lost node would; resolves once it exited. */
  kill(): Promise<void>;
}

/** A real separate process, in its own process group so stopping it stops its children too. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): ChildProcessHandle {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        output.push(`[${name}] ${line}`);
        for (const listener of listeners) listener(line);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  const failure = (why: string) =>
    new Error(`${name} ${why}. Its output:\n${output.slice(-40).join('\n')}`);

  return {
    output,
    waitForLine: (pattern, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (output.some((line) => pattern.test(line))) return resolve();
        const timer = setTimeout(() => reject(failure(`did not print ${pattern}`)), timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(listener);
        };
        const listener = (line: string) => {
          if (!pattern.test(line)) return;
          done();
          resolve();
        };
        listeners.add(listener);
        void exited.then((code) => {
          done();
          reject(failure(`exited (code ${code}) before printing ${pattern}`));
        });
      }),
    async waitUntil(check, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (child.exitCode !== null) throw failure(`exited (code ${child.exitCode})`);
        if (await check().catch(() => false)) return;
        if (Date.now() > deadline) throw failure('did not become ready');
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup('SIGTERM');
      const killTimer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killTimer);
    },
  };
}
