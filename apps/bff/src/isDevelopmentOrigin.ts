/**
 * Whether a browser origin can only be a developer's machine or an unencrypted site: plain http, or a
 * loopback host (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`, `0.0.0.0`). Production allows none.
 */
export function isDevelopmentOrigin(origin: string): boolean {
  const { protocol, hostname } = new URL(origin);
  return (
    protocol !== 'https:' ||
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    hostname === '0.0.0.0' ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}
