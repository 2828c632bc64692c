#!/usr/bin/env node
import { createPlatformSim } from './createPlatformSim.js';
import { CLI_USAGE, parseCliArgs } from './parseCliArgs.js';
import { seededGraphs } from './seededGraphs.js';

const parsed = parseCliArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  console.log(CLI_USAGE);
  process.exit(0);
}
if (parsed.kind === 'error') {
  console.error(`platform-sim: ${parsed.message} (see --help)`);
  process.exit(2);
}

const { config } = parsed;
let sim: ReturnType<typeof createPlatformSim>;
try {
  sim = createPlatformSim(config.options);
} catch (error) {
  console.error(`platform-sim: ${(error as Error).message}`);
  process.exit(2);
}

let server: Awaited<ReturnType<typeof sim.listen>>;
try {
  server = await sim.listen({ port: config.port, hostname: config.hostname });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'EADDRINUSE' ? `port ${config.port} is already in use` : (error as Error).message;
  console.error(`platform-sim: cannot listen on ${config.hostname}:${config.port}: ${reason}`);
  process.exit(1);
}

// Handlers go in before the banner: whoever reads the banner may signal at once.
let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  // `sim.close()` also writes the state file's last changes.
  sim.close().then(
    () => {
      console.log(`platform-sim: stopped (${signal}).`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(`platform-sim: ${(error as Error).message}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// These are the simulator's own throwaway credentials, printed so they can be pasted into a BFF's env.
console.log(`Knewton Platform simulator listening on ${server.url}`);
console.log(`  api key:                 ${sim.apiKey}`);
console.log(`  api secret:              ${sim.apiSecret}`);
console.log(`  system external user id: ${sim.systemExternalUserId}`);
console.log(`  rate limits:             ${config.options.rateLimits === false ? 'off' : 'on'}`);
console.log(
  `  state:                   ${config.options.stateFile ?? 'in memory (--state-file keeps it)'}`,
);
// A BFF's KNEWTON_GRAPH_ID is one of these (the example BFF defaults to the first with the simulator).
seededGraphs.forEach((graph, index) => {
  const label = index === 0 ? '  seeded graphs:           ' : '                           ';
  console.log(`${label}${graph.id} ${graph.name} (${graph.moduleIds.length} modules)`);
});
console.log('Press Ctrl-C to stop.');
