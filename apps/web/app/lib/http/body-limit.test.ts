import { describe, expect, it } from 'vitest';
import { refuseOversizedBody } from './body-limit.server.ts';

/** A body that never ends, counting the bytes handed out. */
function endlessBody() {
  const state = { delivered: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new Uint8Array(1024));
      state.delivered += 1024;
    },
  });
  return { stream, state };
}

const upload = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://herald.test/api/trpc/posts.cancel', {
    method: 'POST',
    body,
    headers,
    duplex: 'half',
  } as RequestInit);

describe('the body limit', () => {
  it('refuses a stated length over the cap without reading', async () => {
    const { stream, state } = endlessBody();
    const refusal = await refuseOversizedBody(
      upload(stream, { 'content-length': '20000' }),
      10_000,
    );
    expect(refusal?.status).toBe(413);
    // Only the chunk a stream fills its own queue with at creation: nothing was read.
    expect(state.delivered).toBeLessThanOrEqual(1024);
  });

  it('stops reading a body without a length once it passes the cap', async () => {
    const { stream, state } = endlessBody();
    const refusal = await refuseOversizedBody(upload(stream), 10_000);
    expect(refusal?.status).toBe(413);
    expect(await refusal!.text()).toMatch(/too large/);
    expect(state.delivered).toBeLessThan(20_000);
  });

  it('leaves a body under the cap for the route to read', async () => {
    const body = new Blob(['{"json":{"postId":"x"}}']).stream();
    const request = upload(body);
    expect(await refuseOversizedBody(request, 10_000)).toBeNull();
    expect(await request.text()).toBe('{"json":{"postId":"x"}}');
    const get = new Request('http://herald.test/');
    expect(await refuseOversizedBody(get, 10_000)).toBeNull();
  });
});
