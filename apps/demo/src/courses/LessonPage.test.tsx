import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { findLesson } from './catalog.js';
import { LessonPage } from './LessonPage.js';

afterEach(cleanup);

const lessonId = 'fractions-compare';

function choose(questionNumber: number, choice: string) {
  const group = screen.getByRole('group', { name: new RegExp(`^Question ${questionNumber}\\b`) });
  fireEvent.click(within(group).getByRole('radio', { name: choice }));
}

describe('LessonPage', () => {
  it('shows the lesson and its questions as labelled radio groups', () => {
    render(<LessonPage lessonId={lessonId} />);
    expect(screen.getByRole('heading', { level: 1, name: 'Comparing fractions' })).toBeTruthy();
    const lesson = findLesson(lessonId)?.lesson;
    expect(screen.getAllByRole('group')).toHaveLength(lesson?.questions.length ?? -1);
    expect(screen.getAllByRole('radio', { name: '1/2' })).toHaveLength(1);
  });

  it('scores the answers, explains the wrong one and moves the focus to the score', () => {
    render(<LessonPage lessonId={lessonId} />);
    choose(1, '1/2');
    choose(2, '2/3');
    choose(3, 'Yes');
    fireEvent.click(screen.getByRole('button', { name: 'Check answers' }));

    const score = screen.getByRole('status');
    expect(score.textContent).toContain('You scored 2 of 3.');
    expect(document.activeElement).toBe(score);
    expect(screen.getByText('Not quite: the answer is 3/4.')).toBeTruthy();
    expect(screen.getAllByText('Correct.')).toHaveLength(2);
    expect(screen.getByRole('link', { name: /Next lesson: Simplifying fractions/ })).toBeTruthy();
  });

  it('counts an unanswered question as wrong and starts over on "Try again"', () => {
    render(<LessonPage lessonId={lessonId} />);
    choose(1, '1/2');
    fireEvent.click(screen.getByRole('button', { name: 'Check answers' }));
    expect(screen.getByRole('status').textContent).toContain('You scored 1 of 3.');

    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.queryByRole('status')).toBeNull();
    expect(
      screen.getAllByRole('radio').every((radio) => !(radio as HTMLInputElement).checked),
    ).toBe(true);
  });

  it('opens the next lesson with a clean sheet, never showing the last score on its questions', () => {
    const view = render(<LessonPage lessonId={lessonId} />);
    fireEvent.click(screen.getByRole('button', { name: 'Check answers' }));
    expect(screen.getByRole('status').textContent).toContain('You scored 0 of 3.');

    // Any class a question had in a frame that was later corrected (the old score's verdict on the
    // new questions) shows up as an attribute change with that class as its old value.
    const observer = new MutationObserver(() => {});
    observer.observe(view.container, { attributes: true, attributeOldValue: true, subtree: true });
    view.rerender(<LessonPage lessonId="fractions-simplify" />);
    const oldClasses = observer.takeRecords().map((record) => record.oldValue ?? '');
    observer.disconnect();

    expect(screen.getByRole('heading', { level: 1, name: 'Simplifying fractions' })).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();
    expect(oldClasses.filter((value) => /is-(wrong|correct)/.test(value))).toEqual([]);
    expect(screen.getByRole('button', { name: 'Check answers' })).toBeTruthy();
  });

  it('says so for an unknown lesson instead of crashing', () => {
    render(<LessonPage lessonId="no-such-lesson" />);
    expect(screen.getByRole('heading', { name: 'Lesson not found' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Back to the courses' })).toBeTruthy();
  });
});
