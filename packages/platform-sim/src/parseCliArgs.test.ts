import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './parseCliArgs.js';

describe('parseCliArgs', () => {
  it('defaults to port 4010 on 127.0.0.1 with the default options', () => {
    expect(parseCliArgs([])).toEqual({
      kind: 'run',
      config: { port: 4010, hostname: '127.0.0.1', options: {} },
    });
  });

  it('maps every flag', () => {
    expect(
      parseCliArgs([
        '--port=5000',
        '--host',
        '0.0.0.0',
        '--api-key',
        'k',
        '--api-secret',
        's',
        '--system-external-user-id',
        'sys',
        '--token-ttl',
        '60',
        '--rate-limit-scale',
        '60',
        '--no-rate-limits',
        '--allow-pii-external-ids',
        '--state-file',
        '.data/sim.json',
      ]),
    ).toEqual({
      kind: 'run',
      config: {
        port: 5000,
        hostname: '0.0.0.0',
        options: {
          apiKey: 'k',
          apiSecret: 's',
          systemExternalUserId: 'sys',
          tokenTtlSeconds: 60,
          stateFile: '.data/sim.json',
          rateLimitScale: 60,
          rateLimits: false,
          rejectPiiExternalIds: false,
        },
      },
    });
  });

  it('reports bad input as one message', () => {
    for (const args of [
      ['--port', '70000'],
      ['--port', '-1'],
      ['--token-ttl', '0'],
      ['--rate-limit-scale', 'x'],
      ['--api-key', ''],
      ['--what'],
      ['positional'],
    ]) {
      const result = parseCliArgs(args);
      expect(result.kind, args.join(' ')).toBe('error');
      if (result.kind === 'error') expect(result.message).not.toContain('\n');
    }
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
  });
});
