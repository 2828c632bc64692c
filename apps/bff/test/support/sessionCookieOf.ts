import { sessionCookieName } from '../../src/demoSession.js';

/** The demo session cookie's value a response sets (`Set-Cookie`), or undefined when it sets none. */
export function sessionCookieOf(response: Response): string | undefined {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair = ''] = cookie.split(';');
    const separator = pair.indexOf('=');
    if (pair.slice(0, separator).trim() === sessionCookieName) return pair.slice(separator + 1);
  }
  return undefined;
}
