/**
 * The simulator's mastery model: deterministic, so tests (and the demo's browser test) can assert
 * exactly when a recommendation moves.
 *
 * Each module of a learner's registration carries an evidence score. A correct graded answer adds 1,
 * an incorrect one takes 1 away (never below 0). When the score reaches `MASTERY_THRESHOLD` the module
 * is mastered, for good: later wrong answers do not unlearn it. Ungraded and recommendation-followed
 * events are recorded (and counted) but are not evidence of mastery.
 *
 * The seeded graphs are chains in teaching order, so mastering a module unlocks the next one; the
 * recommendation is the not yet mastered modules in that order.
 */
export const MASTERY_THRESHOLD = 2;

/** Per-module evidence of one registration, and the modules mastered so far. */
export interface LearnerMastery {
  /** Evidence of modules not yet mastered (absent: 0). */
  evidence: Map<string, number>;
  mastered: Set<string>;
}

export function emptyMastery(): LearnerMastery {
  return { evidence: new Map(), mastered: new Set() };
}

/** Applies one graded answer on `moduleId`. */
export function recordGradedAnswer(
  mastery: LearnerMastery,
  moduleId: string,
  isCorrect: boolean,
): void {
  if (mastery.mastered.has(moduleId)) return;
  const score = Math.max(0, (mastery.evidence.get(moduleId) ?? 0) + (isCorrect ? 1 : -1));
  if (score >= MASTERY_THRESHOLD) {
    mastery.evidence.delete(moduleId);
    mastery.mastered.add(moduleId);
  } else if (score === 0) {
    mastery.evidence.delete(moduleId);
  } else {
    mastery.evidence.set(moduleId, score);
  }
}
