import { isApiError } from '../http/ApiError.js';
import { apiRequest } from '../http/apiRequest.js';

/** The demo sign-in of the example BFF: a stand-in for the partner app's own authentication. */
export interface Session {
  userId: string;
}

const sessionUrl = '/api/session';

/** The signed-in user, or `null` when nobody is signed in. */
export async function fetchSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    // Signed out is 200 {"userId": null} (DESIGN.md); an older BFF answered 401, still understood below.
    const session = await apiRequest<{ userId?: unknown }>(sessionUrl, { signal });
    return typeof session.userId === 'string' && session.userId !== ''
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
