import { describe, expect, it } from 'vitest';
import { checkEventsRequest, MAX_EVENTS_PER_REQUEST } from './index.js';

const graded = {
  id: '0F8FAD5B-D9CB-469F-A165-70867728950E',
  type: 'graded',
  moduleId: 'mref-81287326-2cc3-5e8e-a78d-763cb1f455a5',
  interactionEndTime: '2026-12-01T09:00:00+01:00',
  isCorrect: false,
  durationMs: 0,
  isComplete: true,
};

describe('checkEventsRequest', () => {
  it('accepts graded and ungraded events, normalising the id to lower case', () => {
    const ungraded = { ...graded, id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', type: 'ungraded' };
    delete (ungraded as Partial<typeof graded>).isCorrect;
    const checked = checkEventsRequest({ events: [graded, ungraded] });
    expect(checked).toEqual({
      ok: true,
      request: { events: [{ ...graded, id: graded.id.toLowerCase() }, ungraded] },
    });
  });

  it('accepts up to MAX_EVENTS_PER_REQUEST events and refuses more', () => {
    expect(MAX_EVENTS_PER_REQUEST).toBe(100);
    const many = (n: number) => ({ events: Array.from({ length: n }, () => graded) });
    expect(checkEventsRequest(many(100)).ok).toBe(true);
    expect(checkEventsRequest(many(101))).toEqual({
      ok: false,
      message: 'events must be an array of 1 to 100 events.',
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['null', null, /must be an object/],
    ['a string', 'events', /must be an object/],
    ['no events', {}, /events must be an array/],
    ['a user id beside the events', { events: [graded], userId: 'x' }, /Unknown field/],
    ['a bad id', { events: [{ ...graded, id: '42' }] }, /events\[0\]\.id/],
    ['a bad type', { events: [{ ...graded, type: 'answer' }] }, /events\[0\]\.type/],
    ['a module id without mref-', { events: [{ ...graded, moduleId: 'gref-1' }] }, /moduleId/],
    [
      'a date without a zone',
      { events: [{ ...graded, interactionEndTime: '2026-12-01T09:00' }] },
      /interactionEndTime/,
    ],
    [
      'an impossible date',
      { events: [{ ...graded, interactionEndTime: '2026-13-45T09:00:00Z' }] },
      /interactionEndTime/,
    ],
    [
      'a graded event without isCorrect',
      { events: [{ ...graded, isCorrect: undefined }] },
      /isCorrect is required/,
    ],
    ['a fractional duration', { events: [{ ...graded, durationMs: 1.5 }] }, /durationMs/],
    ['an unknown event field', { events: [{ ...graded, score: 1 }] }, /unknown field "score"/],
  ])('refuses %s, naming what is wrong', (_, json, message) => {
    const checked = checkEventsRequest(json);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message).toMatch(message);
  });
});
