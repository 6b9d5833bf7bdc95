import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, graphileLogger } from './logger.ts';

/** A destination that keeps every line pino writes, parsed. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, destination };
}

describe('the worker log', () => {
  it('writes one JSON object a line and never a token', async () => {
    const { lines, destination } = capture();
    const log = await createLogger({ destination });
    log.info(
      { targetId: 't-1', account: { accessToken: 'sbx-page-1-secret' }, token: 'abc' },
      'publishing',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'publishing', targetId: 't-1', app: 'worker' });
    expect(JSON.stringify(lines[0])).not.toMatch(/sbx-page-1-secret|"abc"/);
  });

  it("carries Graphile's worker, task and job ids as fields", async () => {
    const { lines, destination } = capture();
    const logger = graphileLogger(await createLogger({ destination }));
    logger
      .scope({ workerId: 'worker-1', taskIdentifier: 'publish_target', jobId: '42' })
      .warn('slow job', { targetId: 't-2' });
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'slow job',
      workerId: 'worker-1',
      task: 'publish_target',
      jobId: '42',
      targetId: 't-2',
    });
  });
});
