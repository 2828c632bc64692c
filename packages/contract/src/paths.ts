/** Where the example BFF mounts the Knewton routes; the React kit's default `baseUrl`. */
export const KNEWTON_BFF_BASE_PATH = '/api/knewton';

/**
 * The account route relative to {@link KNEWTON_BFF_BASE_PATH}: `GET` reads the signed-in user's account
 * (never creates); `PUT` ensures it exists. Also a constant of its own, so a browser bundle that needs
 * only this path does not carry the whole {@link bffPaths} object (bundlers keep objects whole).
 */
export const BFF_ACCOUNT_PATH = '/account';

/** Route paths relative to {@link KNEWTON_BFF_BASE_PATH}. */
export const bffPaths = {
  /**
   * `GET` reads the signed-in user's account (never creates); `PUT` ensures it exists; `DELETE` erases
   * the user's Knewton data (204; the next `PUT` creates a fresh account).
   */
  account: BFF_ACCOUNT_PATH,
  /**
   * `GET`: the platform's next recommendation for the signed-in user (registering the account in the
   * app's learning instance on first use). Never creates the account: 404 `account_not_found` without one.
   */
  recommendation: '/recommendation',
  /**
   * `POST`: the signed-in learner's learning events, accepted (202) once durably stored, then delivered
   * to the platform in the background. Never creates the account: 404 `account_not_found` without one.
   */
  events: '/events',
  /** Liveness: the process answers. */
  healthz: '/healthz',
  /** Readiness: the store is reachable and a platform token can be obtained. */
  readyz: '/readyz',
} as const;

/**
 * Every state-changing request carries this header with value `1`. A custom header cannot be sent
 * cross-origin without a CORS preflight, which is what makes it a CSRF defence.
 */
export const CSRF_HEADER = 'X-CSRF';
export const CSRF_HEADER_VALUE = '1';
