import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { KNEWTON_BFF_BASE_PATH } from '@knewton-kit/contract';
import type { KnewtonBff } from '../KnewtonBffOptions.js';

/** Express, Connect and plain `node:http` all hand a middleware these. */
export type NodeHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

export interface NodeHandlerOptions {
  /** The BFF's base path, as given to `createKnewtonBff`. @default '/api/knewton' */
  basePath?: string;
}

/** What a body parser (express.json(), express.raw(), express.text()) leaves on the request. */
interface ParsedRequest extends IncomingMessage {
  originalUrl?: string;
  body?: unknown;
  rawBody?: Buffer;
}

/** Whether `url` is the base path itself or below it: `/api/knewton`, `/api/knewton/...`, not `/api/knewtonx`. */
function isUnder(url: string, basePath: string): boolean {
  if (!url.startsWith(basePath)) return false;
  const next = url.charAt(basePath.length);
  return next === '' || next === '/' || next === '?';
}

/** The bytes a body parser already read, rebuilt from what it left behind. */
function consumedBody(body: unknown): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

/** Sets `Content-Length` to the rebuilt body's length (a parsed `{ }` re-serialises shorter). */
function withContentLength(rawHeaders: string[], length: number): string[] {
  const headers: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    if (name.toLowerCase() !== 'content-length' && name.toLowerCase() !== 'transfer-encoding') {
      headers.push(name, rawHeaders[index + 1] as string);
    }
  }
  headers.push('Content-Length', String(length));
  return headers;
}

/**
 * The BFF as a Node/Connect middleware (Express, Connect, Fastify's middie, plain `createServer`).
 * Requests at or under `basePath` go to the BFF; any other path goes to `next()` (or, with no `next`,
 * to the BFF, which answers 404 in its JSON shape). Works whether or not a body parser ran first:
 * the stream it consumed is rebuilt from `req.body`, so a `PUT` with `{}` after `express.json()` reaches
 * the BFF as `{}` rather than as a hung or empty stream.
 */
export function toNodeHandler(
  bff: Pick<KnewtonBff, 'fetch'>,
  options: NodeHandlerOptions = {},
): NodeHandler {
  const basePath = options.basePath ?? KNEWTON_BFF_BASE_PATH;
  if (typeof basePath !== 'string' || !basePath.startsWith('/') || basePath.endsWith('/')) {
    throw new TypeError('`basePath` must start with "/" and not end with one, e.g. "/api/knewton"');
  }
  const listener = getRequestListener((request) => bff.fetch(request));
  return function knewtonNodeHandler(request, response, next) {
    const parsed = request as ParsedRequest;
    // Express strips a mount path from `url` and keeps the full one in `originalUrl`.
    const url = parsed.originalUrl ?? parsed.url ?? '/';
    if (next && !isUnder(url, basePath)) {
      next();
      return;
    }
    parsed.url = url;
    if (parsed.readableEnded && parsed.rawBody === undefined) {
      // @hono/node-server reads `rawBody` instead of the stream when it is there.
      const body = consumedBody(parsed.body);
      parsed.rawBody = body;
      Object.defineProperty(parsed, 'rawHeaders', {
        value: withContentLength(parsed.rawHeaders, body.length),
        configurable: true,
      });
    }
    listener(parsed, response).catch((error: unknown) => {
      if (next) next(error);
      else response.destroy(error as Error);
    });
  };
}

/** Express/Connect: `mountKnewtonBff(app, knewton)` is `app.use(toNodeHandler(knewton))`. */
export function mountKnewtonBff(
  app: { use(handler: NodeHandler): unknown },
  bff: Pick<KnewtonBff, 'fetch'>,
  options: NodeHandlerOptions = {},
): void {
  app.use(toNodeHandler(bff, options));
}
