/**
 * The slow-loris client of the `slow-loris` scenario, run as its own process (its sockets count against
 * its own open-file limit, not the harness's): keeps up to `--sockets` connections to `--port` open from
 * `--from` (a loopback address of its own, i.e. one client), each sending a request head one header line
 * every few seconds and never finishing it; a socket the server closes is opened again at once. Prints
 * `{"open": n}` every second, and one JSON line of counts (with `target`) on SIGTERM, then exits.
 */
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    sockets: { type: 'string' },
    from: { type: 'string', default: '127.0.0.2' },
  },
});
const port = Number(values.port);
const target = Number(values.sockets);
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

// Opens sockets up to the target as fast as the server accepts them, then tops up. Connects in flight
// are capped: overflowing the server's accept queue makes the kernel retry the dropped SYNs after
// 1, 3, 7... s, which slows the attack down instead of speeding it up.
const maxConnecting = 2_000;
const topUp = setInterval(() => {
  if (stopping) return;
  const missing = Math.min(maxConnecting - connecting, target - open.size - connecting);
  for (let i = 0; i < missing; i++) openOne();
}, 5);
const trickle = setInterval(() => {
  for (const socket of open) if (socket.writable) socket.write(`X-Slow-${opened % 1000}: 1\r\n`);
}, 5_000);

const progress = setInterval(
  () => process.stdout.write(`${JSON.stringify({ open: open.size })}\n`),
  1_000,
);

process.once('SIGTERM', () => {
  stopping = true;
  clearInterval(progress);
  clearInterval(topUp);
  clearInterval(trickle);
  for (const socket of open) socket.destroy();
  process.stdout.write(
    `${JSON.stringify({ target, opened, peakOpen, closedByServer, connectErrors, answered })}\n`,
  );
  process.exit(0);
});
