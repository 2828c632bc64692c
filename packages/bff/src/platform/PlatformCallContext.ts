/** What a platform call carries of the request that caused it. */
export interface PlatformCallContext {
  /** Sent as `request-label` so the platform's logs can be matched with ours. */
  requestId?: string;
}

/**
 * The `request-label` header for `context`: printable ASCII only (a header value must be) and at most
 * 256 characters, the platform's limit for text fields.
 */
export function requestLabelHeaders(
  context: PlatformCallContext | undefined,
): Record<string, string> {
  const label = context?.requestId?.replace(/[^\x20-\x7e]/g, '').slice(0, 256);
  return label ? { 'request-label': label } : {};
}
