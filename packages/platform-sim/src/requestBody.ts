import { SimHttpError } from './SimHttpError.js';

/** Larger than any valid request (500 events); protects the process from unbounded bodies. */
export const MAX_BODY_BYTES = 1_048_576;

/** Reads a JSON object body: 400 for a wrong media type or malformed JSON, 422 for non-objects. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new SimHttpError(400, 'Content-Type must be application/json.');
  }
  const text = await readText(request);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SimHttpError(400, 'Malformed JSON body.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SimHttpError(422, 'The body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** Reads an `application/x-www-form-urlencoded` body (the token endpoint's format); 400 otherwise. */
export async function readForm(request: Request): Promise<URLSearchParams> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) {
    throw new SimHttpError(400, 'Content-Type must be application/x-www-form-urlencoded.');
  }
  return new URLSearchParams(await readText(request));
}

async function readText(request: Request): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  let text: string;
  try {
    text = await request.text();
  } catch {
    throw new SimHttpError(400, 'The request body could not be read.');
  }
  // Characters ≤ bytes, so this bound is safe without encoding the text again.
  if (text.length > MAX_BODY_BYTES) throw tooLarge();
  return text;
}

function tooLarge(): SimHttpError {
  return new SimHttpError(413, `The body exceeds ${MAX_BODY_BYTES} bytes.`);
}
