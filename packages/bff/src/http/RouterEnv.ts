/**
 * What @hono/node-server passes as `env`: the Node request, whose HTTP/1 framing says whether a body
 * follows. Absent when the handler is called in-process or by another host.
 */
export interface NodeServerBindings {
  incoming?: { httpVersionMajor?: number };
}

/** The Hono environment of every router built by `createBffRouter`. */
export interface RouterEnv {
  Bindings?: NodeServerBindings;
  Variables: {
    /** Accepted from a sane incoming `X-Request-Id`, else generated; echoed and logged. */
    requestId: string;
    /** `performance.now()` when the router began this request: holds count from here. */
    receivedAt: number;
    /** Every convention header of this request's answer (security, `X-Request-Id`, CORS), lower-case names. */
    conventionHeaders: Record<string, string>;
    /** The request body read under the size limit; `undefined` for safe methods and empty bodies. */
    body: Uint8Array | undefined;
  };
}
