import { type ErrorBody, errorStatus } from '@knewton-kit/contract';
import { cookies } from 'next/headers';
import { sessionCookie, signSession } from '@/server/session';

// Demo sign-in only, a stand-in for the host's own authentication: it signs anyone in. Both methods
// need `X-CSRF: 1`, as the kit's routes do.
export async function POST(request: Request) {
  const refused = refusedWithoutCsrf(request);
  if (refused) return refused;
  const body = (await request.json().catch(() => undefined)) as { userId?: unknown } | undefined;
  const userId = body?.userId;
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 200) {
    return errorAnswer('bad_request', '`userId` must be a string of 1 to 200 characters');
  }
  (await cookies()).set(sessionCookie, signSession(userId), {
    httpOnly: true,
    sameSite: 'lax',
    secure: process.env.NODE_ENV === 'production' && !request.url.startsWith('http://'),
    path: '/',
  });
  return Response.json({ userId });
}

export async function DELETE(request: Request) {
  const refused = refusedWithoutCsrf(request);
  if (refused) return refused;
  (await cookies()).delete(sessionCookie);
  return new Response(null, { status: 204 });
}

/** A sign-in is a state change like any other: a page of another site must not sign the browser in. */
function refusedWithoutCsrf(request: Request): Response | undefined {
  if (request.headers.get('x-csrf') === '1') return undefined;
  return errorAnswer('csrf_rejected', 'State-changing requests need the X-CSRF: 1 header.');
}

/** An answer in the kit's error shape (`ErrorBody`), so the page reads one shape for every failure. */
function errorAnswer(code: 'bad_request' | 'csrf_rejected', message: string): Response {
  const body: ErrorBody = {
    error: { code, message, retryable: false, requestId: crypto.randomUUID() },
  };
  return Response.json(body, { status: errorStatus[code] });
}
