/**
 * The slow-loris client of the `slow-loris` scenario, run as its own process (its sockets count against
 * its own open-file limit, not the harness's): keeps up to `--sockets` connections to `--port` open from
 * `--from` (a loopback address of its own, i.e. one client), each sending a request head one header line
 * every few seconds and never finishing it; a socket the server closes is opened again at once. Prints one
 * JSON line of counts when `--ms` is over.
 */
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    sockets: { type: 'string' },
    ms: { type: 'string' },
    from: { type: 'string', default: '127.0.0.2' },
  },
});
const port = Number(values.port);
const target = Number(values.sockets);
const durationMs = Number(values.ms);
const from = values.from as string;

const open = new Set<Socket>();
let opened = 0;
let closedByServer = 0;
let connectErrors = 0;
let peakOpen = 0;
let answered = 0;
let stopping = false;
let connecting = 0;

function openOne(): void {
  connecting++;
  const socket = connect({ host: '127.0.0.1', port, localAddress: from });
  let connected = false;
  socket.on('connect', () => {
    connected = true;
    connecting--;
    opened++;
    open.add(socket);
    peakOpen = Math.max(peakOpen, open.size);
    socket.write('GET /api/knewton/healthz HTTP/1.1\r\nHost: bff\r\n');
  });
  socket.on('data', () => {
    answered++;
  });
  socket.on('error', () => {
    if (!connected) connectErrors++;
  });
  socket.on('close', () => {
    if (!connected) connecting--;
    else if (!stopping) closedByServer++;
    open.delete(socket);
  });
}

// Opens sockets up to the target in bursts (an attacker as fast as the machine lets it), then tops up.
const topUp = setInterval(() => {
  if (stopping) return;
  const missing = Math.min(500, target - open.size - connecting);
  for (let i = 0; i < missing; i++) openOne();
}, 20);
const trickle = setInterval(() => {
  for (const socket of open) if (socket.writable) socket.write(`X-Slow-${opened % 1000}: 1\r\n`);
}, 5_000);

setTimeout(() => {
  stopping = true;
  clearInterval(topUp);
  clearInterval(trickle);
  for (const socket of open) socket.destroy();
  process.stdout.write(
    `${JSON.stringify({ target, opened, peakOpen, closedByServer, connectErrors, answered })}\n`,
  );
  process.exit(0);
}, durationMs);
