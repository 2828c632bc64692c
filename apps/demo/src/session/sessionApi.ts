import { isApiError } from '../http/ApiError.js';
import { apiRequest } from '../http/apiRequest.js';

/** The demo sign-in of the example BFF: a stand-in for the partner app's own authentication. */
export interface Session {
  userId: string;
}

const sessionUrl = '/api/session';

/**
 * The signed-in user, or `null` when nobody is signed in. The example BFF answers a signed-out visit
 * with 200 `{"userId": null}` (so a normal page load logs no console error); a 401 from an older
 * BFF means the same.
 */
export async function fetchSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    const session = await apiRequest<{ userId?: unknown } | undefined>(sessionUrl, { signal });
    return typeof session?.userId === 'string' && session.userId !== ''
      ? { userId: session.userId }
      : null;
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

/** Signs in; the session is the server's answer, never the id typed in, so the two cannot differ. */
export async function signIn(userId: string): Promise<Session> {
  const session = await apiRequest<Partial<Session> | undefined>(sessionUrl, {
    method: 'POST',
    body: { userId },
  });
  if (typeof session?.userId !== 'string' || session.userId === '') {
    throw new Error('POST /api/session answered without the signed-in user.');
  }
  return { userId: session.userId };
}

export async function signOut(): Promise<void> {
  await apiRequest<unknown>(sessionUrl, { method: 'DELETE' });
}
