// Request bodies are capped before anything parses them: tRPC calls and form posts are small,
// and uploads never come this way. A stated length over the cap is refused unread; a body
// without one (chunked) is counted as it arrives and refused as soon as it passes the cap.

export const BODY_LIMIT_BYTES = 1024 * 1024;

const NO_BODY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A 413 when the body is over `limit` bytes, else null (the body is then still unread). */
export async function refuseOversizedBody(
  request: Request,
  limit = BODY_LIMIT_BYTES,
): Promise<Response | null> {
  if (NO_BODY_METHODS.has(request.method.toUpperCase()) || !request.body) return null;
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    // Node's HTTP parser holds the body to its Content-Length, so a stated length is the truth.
    return Number(declared) > limit ? tooLarge(limit) : null;
  }
  // A clone tees the stream: what the count reads stays queued (at most `limit` bytes) for the
  // route, which then reads the body as usual. Over the cap, the rest is never read.
  const reader = request.clone().body!.getReader();
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return null;
    received += value.byteLength;
    if (received > limit) {
      void reader.cancel();
      return tooLarge(limit);
    }
  }
}

function tooLarge(limit: number): Response {
  return new Response(
    `The request body is too large: the limit is ${Math.round(limit / 1024)} KB.\n`,
    {
      status: 413,
      // The client may still be sending; closing the connection stops us reading the rest.
      headers: { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' },
    },
  );
}
