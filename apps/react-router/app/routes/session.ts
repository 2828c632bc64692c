import type { ActionFunctionArgs } from 'react-router';
import { sessionCookie, signSession } from '../session.server';

// Demo sign-in only, a stand-in for the host's own authentication: it signs anyone in.
// POST {"userId": "..."} sets the signed session cookie; DELETE clears it.
export async function action({ request }: ActionFunctionArgs) {
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
    return Response.json(
      {
        error: {
          code: 'bad_request',
          message: '`userId` must be a non-empty string',
          retryable: false,
          requestId: crypto.randomUUID(),
        },
      },
      { status: 400 },
    );
  }
  return Response.json(
    { userId },
    { headers: { 'Set-Cookie': `${sessionCookie}=${signSession(userId)}; ${attributes}` } },
  );
}
