import { describe, expect, it } from 'vitest';
import { stubFetch } from '../testing/stubFetch.js';
import { fetchSession } from './sessionApi.js';

const fetchMock = stubFetch();

describe('fetchSession', () => {
  it('reads a signed-out visit answered 200 {"userId": null} as signed out', async () => {
    fetchMock.mockResolvedValue(Response.json({ userId: null }));
    expect(await fetchSession()).toBeNull();
  });

  it('still reads an older BFF’s 401 as signed out', async () => {
    fetchMock.mockResolvedValue(
      Response.json(
        { error: { code: 'unauthenticated', message: 'no', retryable: false, requestId: 'r' } },
        { status: 401 },
      ),
    );
    expect(await fetchSession()).toBeNull();
  });

  it('returns the signed-in user', async () => {
    fetchMock.mockResolvedValue(Response.json({ userId: 'ada' }));
    expect(await fetchSession()).toEqual({ userId: 'ada' });
  });
});
