import type { LearningEventInput } from '@knewton-kit/contract';
import { KnewtonTestProvider, type KnewtonTestState } from '@knewton-kit/react/testing';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { stubFetch } from '../testing/stubFetch.js';
import { findLesson } from './catalog.js';
import { LessonPage } from './LessonPage.js';

const fetchMock = stubFetch();
const lessonId = 'fractions-compare';

/** The lesson as the app renders it: inside the kit's provider, here pinned to `state`. */
function renderLesson(ui: ReactElement, state: KnewtonTestState = { status: 'signed-out' }) {
  return render(<KnewtonTestProvider state={state}>{ui}</KnewtonTestProvider>);
}

/** The events of every `POST /api/knewton/events` the page sent. */
async function sentEvents(): Promise<LearningEventInput[]> {
  const bodies = fetchMock.mock.calls
    .filter(([url, init]) => new URL(String(url)).pathname.endsWith('/events') && init?.body)
    .map(([, init]) => JSON.parse(String(init?.body)) as { events: LearningEventInput[] });
  return bodies.flatMap((body) => body.events);
}

function choose(questionNumber: number, choice: string) {
  const group = screen.getByRole('group', { name: new RegExp(`^Question ${questionNumber}\\b`) });
  fireEvent.click(within(group).getByRole('radio', { name: choice }));
}

describe('LessonPage', () => {
  it('shows the lesson and its questions as labelled radio groups', () => {
    renderLesson(<LessonPage lessonId={lessonId} />);
    expect(screen.getByRole('heading', { level: 1, name: 'Comparing fractions' })).toBeTruthy();
    const lesson = findLesson(lessonId)?.lesson;
    expect(screen.getAllByRole('group')).toHaveLength(lesson?.questions.length ?? -1);
    expect(screen.getAllByRole('radio', { name: '1/2' })).toHaveLength(1);
  });

  it('scores the answers, explains the wrong one and moves the focus to the score', () => {
    renderLesson(<LessonPage lessonId={lessonId} />);
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
    renderLesson(<LessonPage lessonId={lessonId} />);
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
    const view = renderLesson(<LessonPage lessonId={lessonId} />);
    fireEvent.click(screen.getByRole('button', { name: 'Check answers' }));
    expect(screen.getByRole('status').textContent).toContain('You scored 0 of 3.');

    // Any class a question had in a frame that was later corrected (the old score's verdict on the
    // new questions) shows up as an attribute change with that class as its old value.
    const observer = new MutationObserver(() => {});
    observer.observe(view.container, { attributes: true, attributeOldValue: true, subtree: true });
    view.rerender(
      <KnewtonTestProvider state={{ status: 'signed-out' }}>
        <LessonPage lessonId="fractions-simplify" />
      </KnewtonTestProvider>,
    );
    const oldClasses = observer.takeRecords().map((record) => record.oldValue ?? '');
    observer.disconnect();

    expect(screen.getByRole('heading', { level: 1, name: 'Simplifying fractions' })).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();
    expect(oldClasses.filter((value) => /is-(wrong|correct)/.test(value))).toEqual([]);
    expect(screen.getByRole('button', { name: 'Check answers' })).toBeTruthy();
  });

  it('says so for an unknown lesson instead of crashing', () => {
    renderLesson(<LessonPage lessonId="no-such-lesson" />);
    expect(screen.getByRole('heading', { name: 'Lesson not found' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Back to the courses' })).toBeTruthy();
  });

  it('sends each checked answer to Knewton as a graded event of the lesson’s module', async () => {
    fetchMock.mockImplementation(async () => Response.json({ accepted: 2 }, { status: 202 }));
    renderLesson(<LessonPage lessonId={lessonId} />, { status: 'ready' });
    choose(1, '1/2');
    choose(2, '2/3');
    fireEvent.click(screen.getByRole('button', { name: 'Check answers' }));
    await waitFor(async () => expect(await sentEvents()).toHaveLength(2));
    const moduleId = findLesson(lessonId)?.lesson.moduleId;
    expect(
      (await sentEvents()).map(({ type, moduleId, isCorrect }) => ({ type, moduleId, isCorrect })),
    ).toEqual([
      { type: 'graded', moduleId, isCorrect: true },
      { type: 'graded', moduleId, isCorrect: false },
    ]);
    // Checked again after "Try again": new answers, new events; the first ones are not resent.
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    choose(2, '3/4');
    fireEvent.click(screen.getByRole('button', { name: 'Check answers' }));
    await waitFor(async () => expect(await sentEvents()).toHaveLength(3));
    expect((await sentEvents())[2]).toMatchObject({ moduleId, isCorrect: true });
    expect(new Set((await sentEvents()).map((event) => event.id)).size).toBe(3);
  });

  it('sends nothing and still scores while Knewton is unavailable', async () => {
    renderLesson(<LessonPage lessonId={lessonId} />, { status: 'error' });
    choose(1, '1/2');
    fireEvent.click(screen.getByRole('button', { name: 'Check answers' }));
    expect(screen.getByRole('status').textContent).toContain('You scored 1 of 3.');
    // Leaving the page sends whatever the kit still holds at once (with keepalive): nothing was queued.
    window.dispatchEvent(new Event('pagehide'));
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
