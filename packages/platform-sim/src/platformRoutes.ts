import {
  createAccountRoute,
  currentAccountRoute,
  deleteAccountRoute,
  getAccountRoute,
} from './routes/accountRoutes.js';
import { batchRoute } from './routes/batchRoute.js';
import {
  batchEventsRoute,
  gradedEventRoute,
  recommendationFollowedEventRoute,
  ungradedEventRoute,
} from './routes/eventRoutes.js';
import {
  createLearningInstanceRoute,
  getLearningInstanceRoute,
  listInstanceRegistrationsRoute,
  listLearningInstancesRoute,
} from './routes/learningInstanceRoutes.js';
import { recommendationRoute } from './routes/recommendationRoute.js';
import {
  createRegistrationRoute,
  deleteRegistrationRoute,
  getRegistrationRoute,
} from './routes/registrationRoutes.js';
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
  createLearningInstanceRoute,
  listLearningInstancesRoute,
  getLearningInstanceRoute,
  listInstanceRegistrationsRoute,
  createRegistrationRoute,
  getRegistrationRoute,
  deleteRegistrationRoute,
  ungradedEventRoute,
  gradedEventRoute,
  recommendationFollowedEventRoute,
  batchEventsRoute,
  recommendationRoute,
];
