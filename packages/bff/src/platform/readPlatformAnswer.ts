import { KnewtonUnavailableError } from '../errors.js';

/** The answer's JSON body; an unreadable one is the platform failing us, not a caller's error. */
export async function readJson(response: Response, what: string): Promise<unknown> {
  try {
    return await response.json();
  } catch (error) {
    throw new KnewtonUnavailableError(`Knewton ${what} answered unreadable JSON`, { cause: error });
  }
}

/** The answer's JSON body when it is an object (every single-resource answer is). */
export async function readJsonObject(
  response: Response,
  what: string,
): Promise<Record<string, unknown>> {
  const body = await readJson(response, what);
  if (typeof body === 'object' && body !== null && !Array.isArray(body))
    return body as Record<string, unknown>;
  throw new KnewtonUnavailableError(`Knewton ${what} answered a non-object`);
}

/**
 * The platform refused a call with a final 4xx: asking again unchanged will not help soon, so the
 * caller is told to come back after 30 s. The body is dropped unread (it may quote the external id).
 */
export async function refusal(response: Response, what: string): Promise<KnewtonUnavailableError> {
  await response.body?.cancel();
  return new KnewtonUnavailableError(`Knewton ${what} refused the request (${response.status})`, {
    status: response.status,
    retryAfterSeconds: 30,
  });
}
