// The README's learning example, type-checked with the package.
import { type KnewtonAccountId, KnewtonGate } from '@knewton-kit/react';
import { useKnewtonEvents, useKnewtonRecommendation } from '@knewton-kit/react/learning';

declare function lessonTitle(moduleId: string): string;

/** A practice question whose checked answer is a graded event of its lesson's module. */
function Question({ accountId, moduleId }: { accountId: KnewtonAccountId; moduleId: string }) {
  const { send } = useKnewtonEvents(accountId);
  return (
    <button type="button" onClick={() => send({ type: 'graded', moduleId, isCorrect: true })}>
      Check
    </button>
  );
}

/** "Recommended next": moves on by itself once the answers that master a module were accepted. */
function RecommendedNext({ accountId }: { accountId: KnewtonAccountId }) {
  const next = useKnewtonRecommendation(accountId);
  // An extra: hidden while the platform cannot answer; the kit keeps asking in the background.
  if (next.status !== 'ready' || next.refreshError) return null;
  return (
    <ol>
      {next.recommendation.moduleIds.slice(0, 3).map((moduleId) => (
        <li key={moduleId}>{lessonTitle(moduleId)}</li>
      ))}
    </ol>
  );
}

export function Lesson({ moduleId }: { moduleId: string }) {
  return (
    <KnewtonGate>
      {(accountId) => (
        <>
          <Question accountId={accountId} moduleId={moduleId} />
          <RecommendedNext accountId={accountId} />
        </>
      )}
    </KnewtonGate>
  );
}
