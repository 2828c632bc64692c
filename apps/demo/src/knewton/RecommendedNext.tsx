import { KnewtonGate } from '@knewton-kit/react';
import { useQuery } from '@tanstack/react-query';
import { findLessonByModuleId } from '../courses/catalog.js';
import { routeHref } from '../routing/route.js';
import { recommendationQueryOptions } from './recommendationQuery.js';

export interface RecommendedNextProps {
  accountId: string;
}

/** How often a failed recommendation is fetched again, so the panel comes back after an outage. */
const retryAfterFailureMs = 10_000;

/**
 * "Recommended next": the platform's pick of lessons for this learner. Rendered only inside a
 * `KnewtonGate`; while the platform cannot answer it renders nothing at all, because it is an extra.
 */
export function RecommendedNext({ accountId }: RecommendedNextProps) {
  const recommendation = useQuery({
    ...recommendationQueryOptions(accountId),
    refetchInterval: (query) => (query.state.status === 'error' ? retryAfterFailureMs : false),
  });
  // The latest attempt failed: the platform is unavailable, so even a recommendation fetched before
  // hides rather than pretending to be current. It comes back with the next successful refetch.
  if (recommendation.isError) return null;

  const lessons = (recommendation.data?.moduleIds ?? []).flatMap((moduleId) => {
    const lesson = findLessonByModuleId(moduleId);
    return lesson ? [lesson] : [];
  });

  return (
    <section
      className="card recommended"
      aria-labelledby="recommended-title"
      aria-busy={recommendation.isPending}
    >
      <h2 id="recommended-title">
        Recommended next <span className="pill">Knewton</span>
      </h2>
      {recommendation.isPending ? (
        <p className="muted">Finding your next lesson…</p>
      ) : lessons.length === 0 ? (
        <p className="muted">Nothing to recommend yet: start any lesson.</p>
      ) : (
        <ol className="recommended-list">
          {lessons.slice(0, 3).map((lesson) => (
            <li key={lesson.id}>
              <a href={routeHref({ name: 'lesson', lessonId: lesson.id })}>{lesson.title}</a>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The panel behind its gate: nothing at all until the signed-in user's Knewton account is ready. */
export function RecommendedNextPanel() {
  return <KnewtonGate>{(accountId) => <RecommendedNext accountId={accountId} />}</KnewtonGate>;
}
