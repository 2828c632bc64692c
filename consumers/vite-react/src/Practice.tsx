import { type KnewtonAccountId, KnewtonGate } from '@knewton-kit/react';
import { useKnewtonEvents, useKnewtonRecommendation } from '@knewton-kit/react/learning';

/** A checked answer goes to Knewton; the next pick shows beside it. Reachable only inside the gate. */
function Question({ accountId }: { accountId: KnewtonAccountId }) {
  const { send, flush } = useKnewtonEvents(accountId);
  const next = useKnewtonRecommendation(accountId);
  return (
    <>
      <button
        type="button"
        onClick={() => {
          send({ type: 'graded', moduleId: 'mref-fractions', isCorrect: true });
          flush();
        }}
      >
        Check
      </button>
      <p>Next: {next.status === 'ready' ? next.recommendation.moduleIds.join(', ') : '…'}</p>
    </>
  );
}

export function Practice() {
  return <KnewtonGate>{(accountId) => <Question accountId={accountId} />}</KnewtonGate>;
}
