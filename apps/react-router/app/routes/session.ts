import { type ErrorBody, errorStatus } from '@knewton-kit/contract';
import type { ActionFunctionArgs } from 'react-router';
import { sessionCookie, signSession } from '../session.server';

// Demo sign-in only, a stand-in for the host's own authentication: it signs anyone in.
// POST {"userId": "..."} sets the signed session cookie; DELETE clears it. Both need `X-CSRF: 1`, as
// the kit's routes do.
export async function action({ request }: ActionFunctionArgs) {
  const refused = refusedWithoutCsrf(request);
  if (refused) return refused;
  const attributes = `Path=/; HttpOnly; SameSite=Lax${
    process.env.NODE_ENV === 'production' && !request.url.startsWith('http://') ? '; Secure' : ''
  }`;
  if (request.method === 'DELETE') {
    return new Response(null, {
      status: 204,
      headers: { 'Set-Cookie': `${sessionCookie}=; Max-Age=0; ${attributes}` },
    });
  }
  if (request.method !== 'POST') {
    return new Response(null, { status: 405, headers: { Allow: 'POST, DELETE' } });
  }
  const body = (await request.json().catch(() => undefined)) as { userId?: unknown } | undefined;
  const userId = body?.userId;
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 200) {
    return errorAnswer('bad_request', '`userId` must be a string of 1 to 200 characters');
  }
  return Response.json(
    { userId },
    { headers: { 'Set-Cookie': `${sessionCookie}=${signSession(userId)}; ${attributes}` } },
  );
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
