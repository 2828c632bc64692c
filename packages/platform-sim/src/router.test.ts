import { describe, expect, it } from 'vitest';
import { createRouter } from './router.js';

const router = createRouter([
  { method: 'GET', path: '/v0/accounts/current', name: 'current' },
  { method: 'GET', path: '/v0/accounts/{id}', name: 'get' },
  { method: 'DELETE', path: '/v0/accounts/{id}', name: 'delete' },
  { method: 'GET', path: '/v0/registrations/{id}/recommendation', name: 'recommendation' },
]);

describe('createRouter', () => {
  it('matches literal routes before placeholders and decodes parameters', () => {
    expect(router.lookup('GET', '/v0/accounts/current')).toMatchObject({
      kind: 'found',
      route: { name: 'current' },
    });
    expect(router.lookup('GET', '/v0/accounts/a%20b')).toMatchObject({
      kind: 'found',
      route: { name: 'get' },
      params: { id: 'a b' },
    });
    expect(router.lookup('GET', '/v0/registrations/r1/recommendation')).toMatchObject({
      params: { id: 'r1' },
    });
  });

  it('tells a wrong method (with the allowed ones) from an unknown path', () => {
    expect(router.lookup('POST', '/v0/accounts/x')).toEqual({
      kind: 'method-not-allowed',
      allow: ['GET', 'DELETE'],
    });
    for (const path of [
      '/v0/accounts/',
      '/v0/accounts',
      '/v0/Accounts/x',
      '/v0/accounts/%E0%A4%A',
      '/v0//x',
    ]) {
      expect(router.lookup('GET', path), path).toEqual({ kind: 'not-found' });
    }
  });
});
