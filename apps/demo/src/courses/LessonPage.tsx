import { KnewtonGate } from '@knewton-kit/react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { AnswerEvents, type CheckedAnswers } from '../knewton/AnswerEvents.js';
import { PageHeading } from '../routing/PageHeading.js';
import { routeHref } from '../routing/route.js';
import { findLesson } from './catalog.js';
import { type Score, scoreAnswers } from './scoreAnswers.js';

export interface LessonPageProps {
  lessonId: string;
}

/** A lesson: a short summary, a few practice questions and the score once they are checked. */
export function LessonPage({ lessonId }: LessonPageProps) {
  // Keyed by lesson, so a new lesson starts with a clean sheet in its first render: resetting in an
  // effect would show the previous lesson's score and feedback on the new questions for one frame.
  return <Lesson key={lessonId} lessonId={lessonId} />;
}

function Lesson({ lessonId }: LessonPageProps) {
  const found = findLesson(lessonId);
  const [answers, setAnswers] = useState<Record<string, number>>({});
  const [score, setScore] = useState<Score | undefined>(undefined);
  const [checkedAnswers, setCheckedAnswers] = useState<CheckedAnswers | undefined>(undefined);
  const scoreRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (score) scoreRef.current?.focus();
  }, [score]);

  if (!found) {
    return (
      <section className="card" aria-labelledby="lesson-missing">
        <PageHeading id="lesson-missing">Lesson not found</PageHeading>
        <p>
          There is no lesson here. <a href={routeHref({ name: 'courses' })}>Back to the courses</a>
        </p>
      </section>
    );
  }
  const { course, lesson } = found;
  const lessonIndex = course.lessons.indexOf(lesson);
  const nextLesson = course.lessons[lessonIndex + 1];

  const check = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setScore(scoreAnswers(lesson.questions, answers));
    // Every answered question is evidence for the lesson's module; an unanswered one is not an
    // answer (the score counts it as wrong, Knewton is not told anything about it).
    setCheckedAnswers({
      moduleId: lesson.moduleId,
      results: lesson.questions.flatMap((question) =>
        answers[question.id] === undefined ? [] : [answers[question.id] === question.answer],
      ),
    });
  };
  const tryAgain = () => {
    setAnswers({});
    setScore(undefined);
  };

  return (
    <article className="lesson" aria-labelledby="lesson-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={routeHref({ name: 'courses' })}>Courses</a> <span aria-hidden="true">/</span>{' '}
        <span>{course.title}</span>
      </nav>
      <PageHeading id="lesson-title">{lesson.title}</PageHeading>
      <KnewtonGate>
        {(accountId) => <AnswerEvents accountId={accountId} checked={checkedAnswers} />}
      </KnewtonGate>
      <p className="lead">{lesson.summary}</p>

      <form onSubmit={check} aria-label="Practice questions" className="practice">
        {lesson.questions.map((question, index) => {
          const chosen = answers[question.id];
          const checked = score !== undefined;
          const correct = chosen === question.answer;
          return (
            <fieldset
              key={question.id}
              className={`card question${checked ? (correct ? ' is-correct' : ' is-wrong') : ''}`}
              disabled={checked}
            >
              <legend>
                <span className="question-number">Question {index + 1}</span> {question.prompt}
              </legend>
              {question.choices.map((choice, choiceIndex) => (
                <label key={choice} className="choice">
                  <input
                    type="radio"
                    name={`${lesson.id}-${question.id}`}
                    value={choiceIndex}
                    checked={chosen === choiceIndex}
                    onChange={() =>
                      setAnswers((previous) => ({ ...previous, [question.id]: choiceIndex }))
                    }
                  />
                  {choice}
                </label>
              ))}
              {checked && (
                <p className="feedback">
                  {correct
                    ? 'Correct.'
                    : `Not quite: the answer is ${question.choices[question.answer]}.`}
                </p>
              )}
            </fieldset>
          );
        })}
        {score === undefined ? (
          <button type="submit" className="button primary">
            Check answers
          </button>
        ) : (
          <div className="score card" role="status" tabIndex={-1} ref={scoreRef}>
            <p className="score-value">
              You scored {score.correct} of {score.total}.
            </p>
            <div className="actions">
              <button type="button" className="button" onClick={tryAgain}>
                Try again
              </button>
              {nextLesson ? (
                <a
                  className="button primary"
                  href={routeHref({ name: 'lesson', lessonId: nextLesson.id })}
                >
                  Next lesson: {nextLesson.title}
                </a>
              ) : (
                <a className="button primary" href={routeHref({ name: 'courses' })}>
                  Back to the courses
                </a>
              )}
            </div>
          </div>
        )}
      </form>
    </article>
  );
}
