import { Agent, request } from 'node:http';

/** One HTTP answer and how long the server held it. */
export interface HeldAnswer {
  /** The status, or `connection lost` / `client timeout` when no answer arrived. */
  status: string;
  retryAfterSeconds: number | undefined;
  setCookie: string | undefined;
  body: string;
  /** From the moment the request had a connection (was written) until its answer was read. */
  heldMs: number;
}

export interface HerdClient {
  send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<HeldAnswer>;
  close(): void;
}

/**
 * Many users' requests over a bounded set of keep-alive connections, as a reverse proxy in front of the
 * BFF would carry them: a request waits for a free connection in the client (that wait is the user's, not
 * the server's), and `heldMs` counts only from when it was written. `node:http` rather than fetch: its
 * `socket` event marks that moment, and 20,000 fetches at once would open 20,000 connections.
 */
export function createHerdClient(baseUrl: string, options: { connections: number }): HerdClient {
  const url = new URL(baseUrl);
  // Every connection stays open while idle (the default keeps 256 and closes the rest), as a proxy's
  // pool would: a herd then meets the BFF over warm connections, not a wave of new ones.
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.connections,
    maxFreeSockets: options.connections,
  });
  return {
    send(method, path, headers, body) {
      return new Promise<HeldAnswer>((resolve) => {
        let writtenAt: number | undefined;
        const lost = (status: string) =>
          resolve({
            status,
            retryAfterSeconds: undefined,
            setCookie: undefined,
            body: '',
            heldMs: writtenAt === undefined ? 0 : performance.now() - writtenAt,
          });
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method,
            path,
            headers: {
              ...headers,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            timeout: 120_000,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', () => lost('connection lost'));
            res.on('end', () => {
              const retryAfter = Number(res.headers['retry-after'] ?? Number.NaN);
              resolve({
                status: String(res.statusCode),
                retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
                setCookie: res.headers['set-cookie']?.[0],
                body: Buffer.concat(chunks).toString('utf8'),
                heldMs: performance.now() - (writtenAt ?? performance.now()),
              });
            });
          },
        );
        req.on('socket', () => {
          writtenAt = performance.now();
        });
        req.on('timeout', () => {
          req.destroy();
          lost('client timeout');
        });
        req.on('error', () => lost('connection lost'));
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
