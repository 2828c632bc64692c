import { cookies } from 'next/headers';
import { readSession, sessionCookie } from './session';

/** The signed-in user for a server component, from the same session the BFF reads. */
export async function currentUserId(): Promise<string | undefined> {
  return readSession((await cookies()).get(sessionCookie)?.value);
}
