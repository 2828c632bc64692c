import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@knewton-kit/contract';
import { createKnewtonBff } from '../../src/createKnewtonBff.js';
import type { AccountProvisioner } from '../../src/provisioning/types.js';
import { appOrigin } from './createBffHarness.js';

/** Sends `PUT` or `GET /api/knewton/account` as `user`. */
export type AccountRequest = (user: string, method?: 'GET' | 'PUT') => Promise<Response>;

/**
 * The BFF's routes over a provisioner the test built (e.g. on a fake clock); the test host trusts an
 * `x-test-user` header as its session. The provisioner stays the test's to close.
 */
export async function serveAccountRoutes(provisioner: AccountProvisioner): Promise<AccountRequest> {
  const bff = await createKnewtonBff({
    authenticate: (request) => request.headers.get('x-test-user') ?? undefined,
    provisioner,
    allowedOrigins: [appOrigin],
    limits: { rateLimit: false },
  });
  return (user, method = 'GET') =>
    Promise.resolve(
      bff.fetch(
        new Request('http://bff.test/api/knewton/account', {
          method,
          headers: {
            'x-test-user': user,
            ...(method === 'PUT' ? { [CSRF_HEADER]: CSRF_HEADER_VALUE, Origin: appOrigin } : {}),
          },
        }),
      ),
    );
}
