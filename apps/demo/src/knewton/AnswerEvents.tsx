import type { KnewtonAccountId } from '@knewton-kit/react';
import { useKnewtonEvents } from '@knewton-kit/react/learning';
import { useEffect } from 'react';

/** One press of "Check answers": whether each answered question was right, in question order. */
export interface CheckedAnswers {
  moduleId: string;
  results: readonly boolean[];
}

// Each check is sent once, however often the effect runs (StrictMode runs it twice; the gate may
// open after the check): the kit gives every event its id at `send()`, so a second send would be a
// second answer.
const sent = new WeakSet<CheckedAnswers>();

/**
 * Sends a lesson's checked answers to Knewton as graded events, one per answered question. Rendered
 * inside a `KnewtonGate`, so only once the learner's account exists; it renders nothing. Answers
 * checked while the account was still on its way are sent when the gate opens.
 */
export function AnswerEvents({
  accountId,
  checked,
}: {
  accountId: KnewtonAccountId;
  checked: CheckedAnswers | undefined;
}) {
  const { send } = useKnewtonEvents(accountId);
  useEffect(() => {
    if (!checked || sent.has(checked)) return;
    sent.add(checked);
    for (const isCorrect of checked.results) {
      send({ type: 'graded', moduleId: checked.moduleId, isCorrect });
    }
  }, [checked, send]);
  return null;
}
