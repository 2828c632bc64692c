// Node servers: plain `node:http`, Express, Connect and other middleware-style hosts.
export type { NodeHandler, NodeHandlerOptions } from './toNodeHandler.js';
export { mountKnewtonBff, toNodeHandler } from './toNodeHandler.js';
