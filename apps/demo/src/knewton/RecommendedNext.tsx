import { type KnewtonAccountId, KnewtonGate } from '@knewton-kit/react';
import { useKnewtonRecommendation } from '@knewton-kit/react/learning';
import { findLessonByModuleId } from '../courses/catalog.js';
import { routeHref } from '../routing/route.js';

export interface RecommendedNextProps {
  accountId: KnewtonAccountId;
}

/**
 * "Recommended next": the platform's pick of lessons for this learner, which moves on as the learner
 * masters lessons (the kit asks again after the answers were accepted). Rendered only inside a
 * `KnewtonGate`; while the platform cannot answer it renders nothing at all, because it is an extra.
 * The kit keeps asking in the background and the panel comes back with the next answer.
 */
export function RecommendedNext({ accountId }: RecommendedNextProps) {
  const recommendation = useKnewtonRecommendation(accountId);
  // The latest attempt failed: the platform is unavailable, so even a recommendation fetched before
  // hides rather than pretending to be current.
  if (
    recommendation.status === 'error' ||
    (recommendation.status === 'ready' && recommendation.refreshError)
  ) {
    return null;
  }
  const pending = recommendation.status === 'pending';
  const lessons = (
    recommendation.status === 'ready' ? recommendation.recommendation.moduleIds : []
  ).flatMap((moduleId) => {
    const lesson = findLessonByModuleId(moduleId);
    return lesson ? [lesson] : [];
  });

  return (
    <section className="card recommended" aria-labelledby="recommended-title" aria-busy={pending}>
      <h2 id="recommended-title">
        Recommended next <span className="pill">Knewton</span>
      </h2>
      {pending ? (
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
