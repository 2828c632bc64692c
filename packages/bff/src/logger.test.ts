import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appOrigin,
  type BffHarness,
  createBffHarness,
  harnessTimeoutMs,
} from '../test/support/createBffHarness.js';
import { createKnewtonBff } from './createKnewtonBff.js';
import { isLogger, type Logger, silentLogger } from './logger.js';
import { logRedactPaths } from './logRedactPaths.js';

/** A plain pino logger as a host creates it, its lines captured. */
function hostPino(lines: string[], options: pino.LoggerOptions = {}) {
  return pino(options, { write: (line: string) => lines.push(line) });
}

let h: BffHarness;
beforeAll(async () => {
  h = await createBffHarness();
}, harnessTimeoutMs);
afterAll(() => h.dispose());

describe('a pino logger is a Logger as it is', () => {
  it('is accepted by type and at runtime', () => {
    const logger: Logger = hostPino([]);
    expect(isLogger(logger)).toBe(true);
  });

  it('receives the request line and a failure as (fields, message), its level methods called on it', async () => {
    const lines: string[] = [];
    const bff = await createKnewtonBff({
      authenticate: () => {
        throw new Error('session store exploded');
      },
      provisioner: h.bff.provisioner,
      allowedOrigins: [appOrigin],
      logger: hostPino(lines),
    });
    const response = await bff.fetch(
      new Request('http://bff.test/api/knewton/account', {
        headers: { 'X-Request-Id': 'req-pino-1' },
      }),
    );
    expect(response.status).toBe(500);
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'request failed',
        requestId: 'req-pino-1',
        code: 'internal_error',
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: 30,
        msg: 'request',
        requestId: 'req-pino-1',
        method: 'GET',
        route: '/api/knewton/account',
        status: 500,
      }),
    );
  });
});

describe('logRedactPaths', () => {
  it('makes pino redact secret- and id-bearing fields a careless call passes', () => {
    const lines: string[] = [];
    const logger = hostPino(lines, {
      redact: { paths: [...logRedactPaths], censor: '[redacted]' },
    });
    logger.warn(
      {
        headers: {
          authorization: 'Bearer tok-123',
          Authorization: 'Bearer tok-124',
          cookie: 'sid=abc',
          'set-cookie': 'sid=def',
        },
        config: { apiSecret: 'sec-1', api_secret: 'sec-2', pseudonymKey: 'hmac-key', key: 'k-1' },
        token: { access_token: 'tok-456', refresh_token: 'tok-789' },
        password: 'hunter2',
        appUserId: 'jane@example.com',
        externalId: 'ext-1',
        user: { userId: 'bob@example.com' },
        route: '/api/knewton/account',
      },
      'careless',
    );
    const line = lines[0] as string;
    for (const secret of [
      'tok-123',
      'tok-124',
      'sid=abc',
      'sid=def',
      'sec-1',
      'sec-2',
      'hmac-key',
      'k-1',
      'tok-456',
      'tok-789',
      'hunter2',
      'jane',
      'ext-1',
      'bob',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line)).toMatchObject({ msg: 'careless', route: '/api/knewton/account' });
  });
});

describe('silentLogger', () => {
  it('drops everything, in both call shapes', () => {
    expect(() => silentLogger.error({ a: 1 }, 'nothing')).not.toThrow();
    expect(() => silentLogger.info('nothing')).not.toThrow();
  });
});
