/** Only short, plain ids are taken over: they go into logs and the platform's `request-label`. */
const saneRequestId = /^[\w=-]{1,128}$/;

/** The caller's `X-Request-Id` when it is sane, otherwise a new random one. */
export function acceptRequestId(incoming: string | undefined): string {
  return incoming !== undefined && saneRequestId.test(incoming) ? incoming : crypto.randomUUID();
}
