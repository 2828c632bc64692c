import {
  createAccountRoute,
  currentAccountRoute,
  deleteAccountRoute,
  getAccountRoute,
} from './routes/accountRoutes.js';
import { batchRoute } from './routes/batchRoute.js';
import { tokenRoute } from './routes/tokenRoute.js';
import type { SimRoute } from './simState.js';

/** The `/v0` API. Literal paths come before placeholders (`current` before `{id}`). */
export const platformRoutes: SimRoute[] = [
  tokenRoute,
  createAccountRoute,
  currentAccountRoute,
  getAccountRoute,
  deleteAccountRoute,
  batchRoute,
];
