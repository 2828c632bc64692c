import { parseErrorBody, parseRecommendationResponse } from '@knewton-kit/contract';
import { type AnswerKey, clientTimeout, connectionLost } from './documentedAnswers.js';

/** A learning event as the browser kit sends it to `POST /api/knewton/events`. */
export interface LearningEvent {
  id: string;
  type: 'graded';
  moduleId: string;
  interactionEndTime: string;
  isCorrect: boolean;
  /** The harness makes it unique per event: the platform's copy carries no id, this tells events apart. */
  durationMs: number;
}

/** The answers the contract allows the learning routes under load, crashes and an outage. */
export const documentedLearningAnswers: readonly AnswerKey[] = [
  'events 202',
  'events 429 rate_limited',
  'events 503 knewton_unavailable',
  'events 503 store_unavailable',
  'recommendation 200',
  'recommendation 429 rate_limited',
  'recommendation 503 knewton_unavailable',
  'recommendation 503 store_unavailable',
];

async function answerKey(
  prefix: string,
  send: () => Promise<Response>,
  isValid: (status: number, body: unknown) => boolean,
): Promise<AnswerKey> {
  let response: Response;
  try {
    response = await send();
  } catch (error) {
    const name = (error as Error).name;
    return name === 'TimeoutError' || name === 'AbortError' ? clientTimeout : connectionLost;
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    return error instanceof SyntaxError
      ? `${prefix} ${response.status} unreadable body`
      : connectionLost;
  }
  if (response.status < 300) {
    return isValid(response.status, body)
      ? `${prefix} ${response.status}`
      : `${prefix} ${response.status} malformed`;
  }
  const code = parseErrorBody(body)?.error.code ?? 'malformed error';
  // Retry-After is part of every documented "try later" answer.
  const retryAfter = Number(response.headers.get('retry-after'));
  const needsRetryAfter = response.status === 429 || response.status === 503;
  return needsRetryAfter && !(retryAfter > 0)
    ? `${prefix} ${response.status} ${code} without Retry-After`
    : `${prefix} ${response.status} ${code}`;
}

/** `POST /api/knewton/events`; `"events 202"` only for `{"accepted": events.length}`. Never throws. */
export function postEvents(
  baseUrl: string,
  cookie: string,
  events: readonly LearningEvent[],
  timeoutMs = 30_000,
): Promise<AnswerKey> {
  return answerKey(
    'events',
    () =>
      fetch(`${baseUrl}/api/knewton/events`, {
        method: 'POST',
        headers: { cookie, 'x-csrf': '1', 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(timeoutMs),
      }),
    (status, body) =>
      status === 202 && (body as { accepted?: unknown })?.accepted === events.length,
  );
}

/** `GET /api/knewton/recommendation`. Never throws. */
export function getRecommendation(
  baseUrl: string,
  cookie: string,
  timeoutMs = 30_000,
): Promise<AnswerKey> {
  return answerKey(
    'recommendation',
    () =>
      fetch(`${baseUrl}/api/knewton/recommendation`, {
        headers: { cookie },
        signal: AbortSignal.timeout(timeoutMs),
      }),
    (status, body) => status === 200 && parseRecommendationResponse(body) !== undefined,
  );
}
