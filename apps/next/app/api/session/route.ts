import { cookies } from 'next/headers';
import { sessionCookie, signSession } from '@/server/session';

// Demo sign-in only, a stand-in for the host's own authentication: it signs anyone in.
export async function POST(request: Request) {
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
  (await cookies()).set(sessionCookie, signSession(userId), {
    httpOnly: true,
    sameSite: 'lax',
    secure: process.env.NODE_ENV === 'production' && !request.url.startsWith('http://'),
    path: '/',
  });
  return Response.json({ userId });
}

export async function DELETE() {
  (await cookies()).delete(sessionCookie);
  return new Response(null, { status: 204 });
}
