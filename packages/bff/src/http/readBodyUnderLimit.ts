import type { Context } from 'hono';
import { ApiError } from './ApiError.js';
import type { RouterEnv } from './RouterEnv.js';

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `The request body must not exceed ${maxBytes} bytes.`);
}

/**
 * Reads the request body into `c.var.body`, refusing it with 413 as soon as it exceeds `maxBytes`.
 * `Content-Length` is checked first so an honest oversize request is refused without reading it; the
 * streamed size is counted as well because the header may be absent (chunked) or wrong (a `Request`
 * built in-process). Later steps read `c.var.body` and never touch the stream again.
 */
export async function readBodyUnderLimit(c: Context<RouterEnv>, maxBytes: number): Promise<void> {
  const stream = c.req.raw.body;
  if (stream === null) return;
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
