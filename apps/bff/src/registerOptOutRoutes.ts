import {
  ApiError,
  type Authenticate,
  type BffRouter,
  type KnewtonBff,
  readJsonBody,
  requireAppUser,
} from '@knewton-kit/bff';

/** The answer of every method: whether the signed-in learner has Knewton features turned off. */
export interface OptOutState {
  optedOut: boolean;
}

/**
 * The signed-in learner's Knewton opt-out, as a privacy setting of the app: `GET /knewton-opt-out` →
 * `{optedOut}`; `PUT` opts out (nothing more is created or sent to Knewton for them, their undelivered
 * events are deleted, an existing account is kept unused); `DELETE` opts back in. Identity comes only
 * from the session, and the router requires `X-CSRF: 1` (and an allowed Origin) on `PUT` and `DELETE`.
 * A real app puts this beside its other consent settings; the library functions do the work.
 */
export function registerOptOutRoutes(
  router: BffRouter,
  bff: Pick<KnewtonBff, 'optOut' | 'optIn' | 'isOptedOut'>,
  authenticate: Authenticate,
): void {
  router.route('/knewton-opt-out', {
    async GET(c) {
      const appUserId = await requireAppUser(c, authenticate);
      return c.json({ optedOut: await bff.isOptedOut(appUserId) } satisfies OptOutState, 200);
    },
    async PUT(c) {
      const appUserId = await requireAppUser(c, authenticate);
      refuseBody(readJsonBody(c));
      await bff.optOut(appUserId, { requestId: c.get('requestId') });
      return c.json({ optedOut: true } satisfies OptOutState, 200);
    },
    async DELETE(c) {
      const appUserId = await requireAppUser(c, authenticate);
      await bff.optIn(appUserId, { requestId: c.get('requestId') });
      return c.json({ optedOut: false } satisfies OptOutState, 200);
    },
  });
}

/** The learner is always the signed-in one: a body naming someone else is refused, not ignored. */
function refuseBody(body: unknown): void {
  if (body === undefined) return;
  if (typeof body === 'object' && body !== null && Object.keys(body).length === 0) return;
  throw new ApiError(
    'bad_request',
    "PUT /knewton-opt-out takes no fields: it is the signed-in user's.",
  );
}
