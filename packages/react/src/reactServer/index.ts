// The package's entry under the `react-server` export condition (server components): the same exports,
// with a gate that names the fix when given a prop React cannot send to the client. Explicit exports
// take precedence over `export *`, so `KnewtonGate` here is the checking one.
export * from '../index.js';
export { KnewtonGate } from './KnewtonGate.js';
