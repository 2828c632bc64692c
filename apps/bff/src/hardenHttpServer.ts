import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Server, type ServerOptions, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type Logger, securityHeaders } from '@knewton-kit/bff';
import { type ErrorCode, errorStatus, retryableErrorCodes } from '@knewton-kit/contract';

/** The HTTP server's own limits, chosen deliberately rather than left at Node's defaults. */
export interface HttpServerLimits {
  /** Time a client has to send the complete request headers (Node: 60 s). @default 10000 */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request, body included (Node: 300 s). @default 30000 */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. @default 5000 */
  keepAliveTimeoutMs: number;
  /**
   * How often Node looks for connections past the two timeouts above (Node: 30 s, which would let a
   * slow client keep its socket up to 30 s past the deadline). @default 1000
   */
  connectionsCheckingIntervalMs: number;
  /** Largest request head in bytes; larger ones are answered 431 `headers_too_large`. @default 16384 */
  maxHeaderBytes: number;
  /** Open connections at most; more are closed on arrival. @default 80% of the open-file limit */
  maxConnections: number;
  /**
   * Open connections one client address may hold, so one client cannot take every connection.
   * Behind a reverse proxy every client shares the proxy's address: raise this and cap at the proxy.
   * @default a quarter of `maxConnections`
   */
  maxConnectionsPerAddress: number;
}

/** The soft open-file limit (`ulimit -n`) on Linux; `undefined` where `/proc` does not tell. */
export function readOpenFileLimit(): number | undefined {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+)/m.exec(limits)?.[1];
    return soft === undefined ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

/** The defaults, with `overrides` applied; the connection caps follow the process's open-file limit. */
export function httpServerLimits(overrides: Partial<HttpServerLimits> = {}): HttpServerLimits {
  // A fifth of the descriptors stays free for the store, the platform client and the log: a server at its
  // cap must still be able to answer the connections it has (at EMFILE every request is reset).
  const maxConnections =
    overrides.maxConnections ?? Math.max(64, Math.floor((readOpenFileLimit() ?? 1024) * 0.8));
  const limits: HttpServerLimits = {
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
    connectionsCheckingIntervalMs: 1_000,
    maxHeaderBytes: 16 * 1024,
    maxConnectionsPerAddress: Math.max(16, Math.floor(maxConnections / 4)),
    ...overrides,
    maxConnections,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new TypeError(`\`http.${name}\` must be a positive integer.`);
    }
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new TypeError('`http.headersTimeoutMs` must not exceed `http.requestTimeoutMs`.');
  }
  return limits;
}

/** The `http.createServer` options of `limits` (the checking interval can only be set there). */
export function httpServerOptions(limits: HttpServerLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
    maxHeaderSize: limits.maxHeaderBytes,
  };
}

/** What Node's parser reports, as the contract's error. */
function answerFor(error: NodeJS.ErrnoException): { code: ErrorCode; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { code: 'headers_too_large', message: 'The request headers are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'request_timeout', message: 'The request took too long to arrive.' };
    default:
      return { code: 'bad_request', message: 'The request is not valid HTTP/1.1.' };
  }
}

/** A complete HTTP/1.1 error answer in the contract's JSON shape, with the same headers as every other. */
export function rawErrorResponse(code: ErrorCode, message: string): string {
  const status = errorStatus[code];
  const requestId = randomUUID();
  const body = JSON.stringify({
    error: { code, message, retryable: retryableErrorCodes.has(code), requestId },
  });
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    `X-Request-Id: ${requestId}`,
    ...securityHeaders.map(([name, value]) => `${name}: ${value}`),
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Applies the connection caps to `server` and answers the errors Node raises before a request exists
 * (oversize headers 431, malformed requests 400, a request too slow to arrive 408) in the contract's
 * JSON shape with the security headers, instead of Node's empty bodies. The timeouts themselves are
 * `httpServerOptions(limits)`, given when the server is created.
 */
export function hardenHttpServer(server: Server, limits: HttpServerLimits, logger?: Logger): void {
  server.maxConnections = limits.maxConnections;

  // Counted by hand: Node caps connections per server only. A map of live counts, deleted at zero.
  const perAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return;
    const open = (perAddress.get(address) ?? 0) + 1;
    if (open > limits.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    perAddress.set(address, open);
    socket.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left === 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A response already under way (a keep-alive socket timing out mid-answer) cannot get a second head;
    // Node's own handler makes the same check on the same private field.
    const inFlight = (socket as Socket & { _httpMessage?: { _headerSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?._headerSent) {
      socket.destroy();
      return;
    }
    const { code, message } = answerFor(error);
    logger?.debug({ code, parserError: error.code }, 'HTTP client error');
    // end() lets the answer drain before the FIN; the timer bounds a peer that never closes its side.
    socket.end(rawErrorResponse(code, message));
    setTimeout(() => socket.destroy(), 2_000).unref();
  });
}
