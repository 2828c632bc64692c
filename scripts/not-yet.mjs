// A root command whose part has not been built yet says so and fails, rather than pretending.
const [command, part] = process.argv.slice(2);
console.error(`pnpm ${command}: ${part} does not exist yet; see the open issues.`);
process.exit(1);
