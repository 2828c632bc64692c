import { describe, expect, it } from 'vitest';
import { createJsonLogger, silentLogger } from './logger.js';

describe('createJsonLogger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    const lines: string[] = [];
    const logger = createJsonLogger((line) => lines.push(line));
    logger.info({ accountId: 'acc-1', requestId: 'req-1' }, 'account created');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] as string);
    expect(entry).toMatchObject({
      level: 'info',
      msg: 'account created',
      accountId: 'acc-1',
      requestId: 'req-1',
    });
    expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
  });

  it('redacts secret-bearing keys at any depth, whatever their spelling', () => {
    const lines: string[] = [];
    const logger = createJsonLogger((line) => lines.push(line));
    logger.warn(
      {
        headers: { Authorization: 'Bearer tok-123', Cookie: 'sid=abc', 'Set-Cookie': 'sid=def' },
        config: { apiSecret: 'sec-1', api_secret: 'sec-2', pseudonymKey: 'hmac-key', key: 'k' },
        tokens: [{ access_token: 'tok-456', refresh_token: 'tok-789' }],
        password: 'hunter2',
        appUserId: 'jane@example.com',
        externalId: 'ext-1',
        route: '/api/knewton/account',
      },
      'careless',
    );
    const line = lines[0] as string;
    for (const secret of [
      'tok-123',
      'sid=abc',
      'sid=def',
      'sec-1',
      'sec-2',
      'hmac-key',
      'tok-456',
      'tok-789',
      'hunter2',
      'jane',
      'ext-1',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line).route).toBe('/api/knewton/account');
  });

  it('keeps its own keys when fields try to overwrite them', () => {
    const lines: string[] = [];
    createJsonLogger((line) => lines.push(line)).error(
      { msg: 'fake', level: 'debug' },
      'real message',
    );
    expect(JSON.parse(lines[0] as string)).toMatchObject({ msg: 'real message', level: 'error' });
  });

  it('drops lines below its level and copes with cycles and errors', () => {
    const lines: string[] = [];
    const logger = createJsonLogger((line) => lines.push(line), 'warn');
    logger.debug('no');
    logger.info('no');
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    logger.error({ cyclic, error: new Error('boom') }, 'failed');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      cyclic: { name: 'loop', self: '[truncated]' },
      error: { message: 'boom' },
    });
  });

  it('refuses an unknown level, naming the option', () => {
    expect(() => createJsonLogger(() => {}, 'verbose' as never)).toThrow('`level`');
    expect(() => createJsonLogger(() => {}, 'toString' as never)).toThrow('`level`');
  });

  it('refuses a `write` that is not a function when created, not at the first log line', () => {
    expect(() => createJsonLogger(null as never)).toThrow('`write`');
    expect(() => createJsonLogger('stdout' as never)).toThrow('`write`');
  });

  it('has a silent counterpart', () => {
    expect(() => silentLogger.error({ a: 1 }, 'nothing')).not.toThrow();
  });
});
