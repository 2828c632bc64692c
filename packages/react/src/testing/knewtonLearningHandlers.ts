import {
  bffPaths,
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  checkEventsRequest,
  type ErrorCode,
  KNEWTON_BFF_BASE_PATH,
  type LearningEventInput,
  type RecommendationResponse,
} from '@knewton-kit/contract';
import { type HttpHandler, HttpResponse, http } from 'msw';
import { knewtonErrorBody, knewtonErrorResponse } from './knewtonErrorResponse.js';

export interface KnewtonLearningHandlersOptions {
  /** Where the routes are mounted, as given to `KnewtonProvider`. @default '/api/knewton' */
  baseUrl?: string;
  /**
   * The modules to recommend, in teaching order. A module is mastered, and drops out of the
   * recommendation, after two more correct than incorrect graded answers, as the simulator does.
   */
  moduleIds?: readonly string[];
  /** Answer `GET /recommendation` with this contract error instead. */
  recommendationError?: ErrorCode;
  /** Answer `POST /events` with this contract error instead (nothing is stored). */
  eventsError?: ErrorCode;
  /** `Retry-After` sent with retryable errors. @default 1 */
  retryAfterSeconds?: number;
}

export interface KnewtonLearningFake {
  /** MSW handlers for `GET /recommendation` and `POST /events`; pass them to `server.use()`. */
  handlers: HttpHandler[];
  /** Every event the fake BFF accepted, each id once, in order. */
  events: LearningEventInput[];
  /** The recommendation the fake answers now. */
  recommendation(): RecommendationResponse;
}

/**
 * A stand-in for the BFF's learning routes, for testing a component that uses
 * `@knewton-kit/react/learning` without a BFF: `POST /events` validates like the BFF (400 for an
 * invalid event, 403 without `X-CSRF: 1`, at most 100), stores each id once and answers `202
 * {"accepted": n}`; `GET /recommendation` answers the modules not yet mastered. Create one per test.
 */
export function knewtonLearningHandlers(
  options: KnewtonLearningHandlersOptions = {},
): KnewtonLearningFake {
  const base = options.baseUrl ?? KNEWTON_BFF_BASE_PATH;
  const { moduleIds = [], retryAfterSeconds } = options;
  const events: LearningEventInput[] = [];
  const seen = new Set<string>();
  const evidence = new Map<string, number>();
  const mastered = new Set<string>();
  let answers = 0;

  const recommendation = (): RecommendationResponse => ({
    // Moves with every accepted answer, as the platform's id does.
    recommendationId: String(answers + 1),
    moduleIds: moduleIds.filter((moduleId) => !mastered.has(moduleId)),
    status: 'unfocused',
  });

  const handlers = [
    http.get(base + bffPaths.recommendation, () =>
      options.recommendationError
        ? knewtonErrorResponse(options.recommendationError, retryAfterSeconds)
        : HttpResponse.json(recommendation()),
    ),
    http.post(base + bffPaths.events, async ({ request }) => {
      if (options.eventsError) return knewtonErrorResponse(options.eventsError, retryAfterSeconds);
      if (request.headers.get(CSRF_HEADER) !== CSRF_HEADER_VALUE) {
        return knewtonErrorResponse('csrf_rejected');
      }
      const checked = checkEventsRequest(await request.json().catch(() => undefined));
      if (!checked.ok) {
        const body = knewtonErrorBody('bad_request');
        return HttpResponse.json(
          { error: { ...body.error, message: checked.message } },
          { status: 400 },
        );
      }
      for (const event of checked.request.events) {
        if (seen.has(event.id)) continue;
        seen.add(event.id);
        events.push(event);
        if (event.type !== 'graded' || mastered.has(event.moduleId)) continue;
        answers++;
        const score = Math.max(0, (evidence.get(event.moduleId) ?? 0) + (event.isCorrect ? 1 : -1));
        evidence.set(event.moduleId, score);
        if (score >= 2) mastered.add(event.moduleId);
      }
      return HttpResponse.json({ accepted: checked.request.events.length }, { status: 202 });
    }),
  ];
  return { handlers, events, recommendation };
}
