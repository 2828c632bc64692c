/** The Hono environment of every router built by `createBffRouter`. */
export interface RouterEnv {
  Variables: {
    /** Accepted from a sane incoming `X-Request-Id`, else generated; echoed and logged. */
    requestId: string;
    /** The request body read under the size limit; `undefined` for safe methods and empty bodies. */
    body: Uint8Array | undefined;
  };
}
