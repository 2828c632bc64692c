// Next.js App Router: a lazy, process-wide BFF and its route handlers.
export type { KnewtonNext, KnewtonNextOptions, NextRouteHandler } from './createKnewtonNext.js';
export { createKnewtonNext } from './createKnewtonNext.js';
