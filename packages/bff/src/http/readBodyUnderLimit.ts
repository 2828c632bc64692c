import type { MiddlewareHandler } from 'hono';
import { ApiError } from './ApiError.js';
import type { RouterEnv } from './RouterEnv.js';

export interface LimitBodyOptions {
  /** Largest accepted request body in bytes. */
  maxBytes: number;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `The request body must not exceed ${maxBytes} bytes.`);
}

/**
 * Reads the request body, refusing it with 413 as soon as it exceeds the limit. `Content-Length` is
 * checked first so an honest oversize request is refused without reading it; the streamed size is
 * counted as well because the header may be absent (chunked) or wrong (a `Request` built in-process).
 * The bytes land in `c.var.body` so later steps never touch the stream again.
 */
export function limitBody(options: LimitBodyOptions): MiddlewareHandler<RouterEnv> {
  const { maxBytes } = options;
  return async function limitBody(c, next) {
    const stream = c.req.raw.body;
    if (stream === null) return next();
    const declared = c.req.header('Content-Length');
    if (declared !== undefined && Number(declared) > maxBytes) {
      await stream.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
    if (size > 0) c.set('body', concat(chunks, size));
    return next();
  };
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
