import type { PracticeQuestion } from './catalog.js';

export interface Score {
  correct: number;
  total: number;
}

/** Counts correct answers; an unanswered question counts as wrong. */
export function scoreAnswers(
  questions: readonly PracticeQuestion[],
  answers: Readonly<Record<string, number>>,
): Score {
  const correct = questions.filter((question) => answers[question.id] === question.answer).length;
  return { correct, total: questions.length };
}
