import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { HandleResult } from './handleRequest.js';
import { DROP_CONNECTION } from './handleRequest.js';

export interface ListenOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' */
  hostname?: string;
}

export interface ListeningSim {
  /** Base URL, e.g. `http://127.0.0.1:4010` (no trailing slash). */
  url: string;
  port: number;
  /** Stops listening and destroys open connections (hanging requests included). */
  close(): Promise<void>;
}

type Handle = (request: Request, clientAddress: string) => Promise<HandleResult>;

export async function listenOnPort(
  handle: Handle,
  options: ListenOptions | undefined,
): Promise<ListeningSim> {
  const port = options?.port ?? 0;
  const hostname = options?.hostname ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TypeError('listen: `port` must be an integer from 0 to 65535.');
  }
  if (typeof hostname !== 'string' || hostname.length === 0) {
    throw new TypeError('listen: `hostname` must be a non-empty string.');
  }

  const server = createAdaptorServer({
    // Keep the process's global Request/Response untouched: the simulator is often embedded in
    // another app's process (the example BFF, test runners).
    overrideGlobalObjects: false,
    async fetch(request, env) {
      const incoming = env.incoming;
      const clientAddress = incoming.socket.remoteAddress ?? 'unknown';
      let result: HandleResult;
      try {
        result = await handle(request, clientAddress);
      } catch {
        // Only an aborted request rejects; its connection is already gone.
        return new Response(null, { status: 499 });
      }
      if (result === DROP_CONNECTION) {
        incoming.socket.destroy();
        return new Response(null, { status: 499 });
      }
      return result;
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      return closing;
    },
  };
}
