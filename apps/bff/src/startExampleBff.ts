import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createExampleBff, type ExampleBff, type ExampleBffOptions } from './createExampleBff.js';
import type { ExampleBffConfig } from './ExampleBffConfig.js';
import { hardenHttpServer, httpServerLimits, httpServerOptions } from './hardenHttpServer.js';

export interface RunningExampleBff {
  /** e.g. `http://localhost:8787` (no trailing slash). */
  url: string;
  port: number;
  example: ExampleBff;
  /**
   * Bounded stop (within `shutdownGraceMs` plus a moment): refuses new connections; users queued for the
   * platform's rate limits are answered 503 with `Retry-After` at once; platform calls in flight get the
   * grace period, then are cut short (their requests answered 503, nothing half written); then the store
   * and the simulator close. Idempotent.
   */
  close(): Promise<void>;
}

export interface StartExampleBffOptions extends ExampleBffOptions {
  /**
   * The process is this server's alone (`pnpm bff`): let @hono/node-server install its lighter global
   * `Request`/`Response`, written without a `ReadableStream` per answer (about a quarter of the warm
   * path's CPU). Embedders (tests, the dev script beside Vite) keep the globals. @default false
   */
  ownsProcess?: boolean;
}

/** Pending connections the kernel may queue for us (see the listen call). */
const listenBacklog = 4096;

/** How long in-flight requests may take to finish on shutdown before their connections are cut. */
export const shutdownGraceMs = 10_000;

/** Builds the example BFF and serves it over HTTP on `config.port` (0 picks a free port). */
export async function startExampleBff(
  config: ExampleBffConfig,
  options: StartExampleBffOptions = {},
): Promise<RunningExampleBff> {
  // Validated before anything starts, so a bad limit leaves nothing behind.
  const limits = httpServerLimits(config.http);
  const example = await createExampleBff(config, options);
  // Without http2 or https options the adaptor creates a plain `http.Server`.
  const server = createAdaptorServer({
    // `env` carries the Node request: its framing (a body-less PUT is answered without reading a body)
    // and its socket's peer address (the sign-in limit).
    fetch: (request, env) => example.fetch(request, env),
    // Left alone unless the process is ours: this server is often embedded (tests, tools).
    overrideGlobalObjects: options.ownsProcess === true,
    serverOptions: httpServerOptions(limits),
  }) as Server;
  hardenHttpServer(server, limits, options.logger);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A day-one herd opens thousands of connections at once: with Node's default backlog (511) the
      // rest's SYNs are dropped and their retransmits (1 s, 2 s, 4 s, ...) delay requests by up to 30 s.
      // The kernel caps this at net.core.somaxconn.
      server.listen(config.port, config.hostname, listenBacklog, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await example.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host =
    config.hostname === undefined || config.hostname === '0.0.0.0' || config.hostname === '::'
      ? 'localhost'
      : config.hostname.includes(':')
        ? `[${config.hostname}]`
        : config.hostname;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    example,
    close() {
      closing ??= (async () => {
        // Started together with the server's close: queued users must not wait for the grace period.
        const provisioningStopped = example.bff.close({ graceMs: shutdownGraceMs });
        const serverClosed = new Promise<void>((resolve) => {
          // close() stops accepting; sockets still busy with a request are left to finish. Keep-alive
          // sockets that fall idle afterwards are dropped as they do, and a stuck client is cut off
          // after the grace period so shutdown always ends.
          server.close(() => {
            clearInterval(idleSweep);
            clearTimeout(deadline);
            resolve();
          });
          const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
          const deadline = setTimeout(() => server.closeAllConnections(), shutdownGraceMs);
          server.closeIdleConnections();
        });
        await Promise.all([serverClosed, provisioningStopped]);
        await example.close();
      })();
      return closing;
    },
  };
}
