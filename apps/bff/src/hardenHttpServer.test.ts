import { connect, type Socket } from 'node:net';
import { parseErrorBody } from '@knewton-kit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExampleBffConfig } from './ExampleBffConfig.js';
import { httpServerLimits } from './hardenHttpServer.js';
import { type RunningExampleBff, startExampleBff } from './startExampleBff.js';

// Small limits, so the slow clients below are dealt with within the test; the mechanism is the default's.
const limits = {
  headersTimeoutMs: 1_500,
  requestTimeoutMs: 3_000,
  connectionsCheckingIntervalMs: 250,
  maxConnections: 1_000,
  maxConnectionsPerAddress: 100,
};
const config: ExampleBffConfig = {
  port: 0,
  hostname: '127.0.0.1',
  platform: { kind: 'simulator' },
  database: { kind: 'pglite' },
  pseudonymKey: 'hardening-test-pseudonym-key-0123456789',
  sessionSecret: 'hardening-test-session-secret-0123456789',
  allowedOrigins: ['http://localhost:5173'],
  production: false,
  http: limits,
};

let running: RunningExampleBff;
beforeAll(async () => {
  running = await startExampleBff(config);
});
afterAll(() => running.close());

interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Opens a raw TCP connection (optionally from another loopback address, i.e. another client). */
function open(localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: running.port,
      ...(localAddress === undefined ? {} : { localAddress }),
    });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server writes until it closes the connection, parsed as one HTTP answer. */
function readAnswer(socket: Socket): Promise<RawAnswer | undefined> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => {});
    socket.once('close', () => {
      if (text === '') return resolve(undefined);
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = new Map(
        lines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
        }),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

async function sendRaw(bytes: string): Promise<RawAnswer | undefined> {
  const socket = await open();
  const answer = readAnswer(socket);
  socket.write(bytes);
  return answer;
}

function expectContractError(answer: RawAnswer | undefined, status: number, code: string) {
  expect(answer?.status).toBe(status);
  expect(answer?.headers.get('content-type')).toMatch(/^application\/json/);
  const error = parseErrorBody(JSON.parse(answer?.body ?? 'null'))?.error;
  expect(error?.code).toBe(code);
  expect(error?.requestId).toBe(answer?.headers.get('x-request-id'));
  // The same security headers as every other answer.
  expect(answer?.headers.get('x-content-type-options')).toBe('nosniff');
  expect(answer?.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(answer?.headers.get('cache-control')).toBe('no-store');
}

describe('errors the HTTP server raises itself are answered in the JSON error shape', () => {
  it('oversize headers: 431 headers_too_large', async () => {
    const answer = await sendRaw(
      `GET /api/knewton/healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expectContractError(answer, 431, 'headers_too_large');
  });

  it.each([
    ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n'],
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n'],
    [
      'conflicting lengths',
      'POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    ],
  ])('malformed request (%s): 400 bad_request', async (_, bytes) => {
    expectContractError(await sendRaw(bytes), 400, 'bad_request');
  });

  it('a well-formed request on the same server is answered as usual', async () => {
    const answer = await sendRaw(
      'GET /api/knewton/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(answer?.status).toBe(200);
  });
});

describe('slow clients cannot take the server', () => {
  it('legitimate requests succeed while 300 slow-loris sockets from one client are open', async () => {
    // One attacking client (its own loopback address) opens 300 sockets and trickles header bytes.
    const attackers = await Promise.all(
      Array.from({ length: 300 }, () => open('127.0.0.2').catch(() => undefined)),
    );
    const answers = attackers.map((socket) => (socket ? readAnswer(socket) : undefined));
    const trickle = setInterval(() => {
      for (const socket of attackers) if (socket?.writable) socket.write('X-a: b\r\n');
    }, 200);
    for (const socket of attackers)
      socket?.write('GET /api/knewton/healthz HTTP/1.1\r\nHost: x\r\n');

    try {
      // Meanwhile, other clients are served normally, in waves, throughout the attack.
      const statuses: number[] = [];
      for (let wave = 0; wave < 5; wave++) {
        const wave_ = await Promise.all(
          Array.from(
            { length: 10 },
            async () => (await fetch(`${running.url}/api/knewton/healthz`)).status,
          ),
        );
        statuses.push(...wave_);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(statuses).toEqual(Array.from({ length: 50 }, () => 200));

      // Every slow socket is gone in the end: those over the client's cap at once, without an answer;
      // the rest at the headers deadline, with a 408 in the contract's shape.
      const settled = await Promise.all(answers);
      const timedOut = settled.filter((answer) => answer !== undefined);
      expect(timedOut.length).toBeLessThanOrEqual(limits.maxConnectionsPerAddress);
      expect(timedOut.length).toBeGreaterThan(0);
      for (const answer of timedOut) expectContractError(answer, 408, 'request_timeout');
    } finally {
      clearInterval(trickle);
      for (const socket of attackers) socket?.destroy();
    }
  });
});

describe('httpServerLimits', () => {
  it('keeps the connection cap below the open-file limit and names a bad option', () => {
    const defaults = httpServerLimits();
    expect(defaults.maxConnections).toBeGreaterThan(0);
    expect(defaults.maxConnectionsPerAddress).toBeLessThan(defaults.maxConnections);
    expect(defaults.headersTimeoutMs).toBeLessThan(60_000);
    expect(() => httpServerLimits({ headersTimeoutMs: 0 })).toThrow(/`http.headersTimeoutMs`/);
    expect(() => httpServerLimits({ headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 })).toThrow(
      /must not exceed/,
    );
  });
});
