import { describe, expect, it } from 'vitest';
import { createDemoSessions, sessionCookieName, userIdProblem } from './demoSession.js';

const sessions = createDemoSessions('x'.repeat(48));

describe('demo sessions', () => {
  it('round-trips a user id, including non-ASCII ones', () => {
    for (const userId of ['ada', 'Łukasz Ö', 'a.b@c', '🦊']) {
      expect(sessions.verify(sessions.issue(userId))).toBe(userId);
    }
  });

  it('refuses tampered, foreign, truncated and expired cookies', () => {
    const cookie = sessions.issue('ada', 0);
    const [user, expires, signature] = cookie.split('.') as [string, string, string];
    const other = Buffer.from('eve').toString('base64url');
    expect(sessions.verify(`${other}.${expires}.${signature}`, 0)).toBeUndefined();
    expect(sessions.verify(`${user}.${Number(expires) + 1}.${signature}`, 0)).toBeUndefined();
    const flipped = signature.endsWith('A')
      ? `${signature.slice(0, -1)}B`
      : `${signature.slice(0, -1)}A`;
    expect(sessions.verify(`${user}.${expires}.${flipped}`, 0)).toBeUndefined();
    expect(sessions.verify(`${user}.${expires}`, 0)).toBeUndefined();
    expect(sessions.verify('', 0)).toBeUndefined();
    expect(createDemoSessions('y'.repeat(48)).verify(cookie, 0)).toBeUndefined();
    expect(sessions.verify(cookie, Number(expires) * 1000)).toBeUndefined();
    expect(sessions.verify(cookie, Number(expires) * 1000 - 1)).toBe('ada');
  });

  it('a cookie already verified (and remembered) still expires on time and is still told apart', () => {
    const fresh = createDemoSessions('z'.repeat(48));
    const cookie = fresh.issue('ada', 0);
    const expiresMs = Number(cookie.split('.')[1]) * 1000;
    expect(fresh.verify(cookie, 0)).toBe('ada');
    expect(fresh.verify(cookie, expiresMs - 1)).toBe('ada');
    expect(fresh.verify(cookie, expiresMs)).toBeUndefined();
    expect(fresh.verify(`${cookie}x`, 0)).toBeUndefined();
    expect(createDemoSessions('y'.repeat(48)).verify(cookie, 0)).toBeUndefined();
  });

  it('authenticates a request by its cookie among others', () => {
    const request = new Request('http://localhost/', {
      headers: { Cookie: `theme=dark; ${sessionCookieName}=${sessions.issue('ada')}; x=1` },
    });
    expect(sessions.authenticate(request)).toBe('ada');
    expect(sessions.authenticate(new Request('http://localhost/'))).toBeUndefined();
  });

  it.each([[''], ['   '], ['x'.repeat(129)], ['tab\there'], [42], [undefined]])(
    'refuses the user id %j',
    (userId) => {
      expect(userIdProblem(userId)).toMatch(/`userId`/);
    },
  );

  it('accepts 128 characters', () => {
    expect(userIdProblem('x'.repeat(128))).toBeUndefined();
  });
});
