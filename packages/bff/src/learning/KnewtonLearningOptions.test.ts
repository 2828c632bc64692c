import { describe, expect, it } from 'vitest';
import { validateLearningOptions } from './KnewtonLearningOptions.js';

const graphId = 'gref-b4ad52b2-5e7f-5034-be72-472cf8078e62';

describe('validateLearningOptions', () => {
  it("keeps one learner's share of the outbox below the whole outbox, so one learner can never fill it", () => {
    expect(validateLearningOptions({ graphId })).toMatchObject({
      maxPendingEvents: 100_000,
      maxPendingEventsPerLearner: 15_000,
      moduleIds: undefined,
    });
    // A small outbox: half of it per learner by default.
    expect(
      validateLearningOptions({ graphId, maxPendingEvents: 1_000 }).maxPendingEventsPerLearner,
    ).toBe(500);
    expect(() =>
      validateLearningOptions({
        graphId,
        maxPendingEvents: 1_000,
        maxPendingEventsPerLearner: 1_000,
      }),
    ).toThrow('`learning.maxPendingEventsPerLearner` must be a positive integer below');
    expect(() => validateLearningOptions({ graphId, maxPendingEventsPerLearner: 0 })).toThrow(
      '`learning.maxPendingEventsPerLearner`',
    );
  });

  it("takes the graph's module ids as a set, refusing anything that is not a module id", () => {
    const { moduleIds } = validateLearningOptions({ graphId, moduleIds: ['mref-a', 'mref-b'] });
    expect(moduleIds?.has('mref-b')).toBe(true);
    for (const bad of [[], ['gref-a'], 'mref-a', [42]]) {
      expect(() => validateLearningOptions({ graphId, moduleIds: bad })).toThrow(
        '`learning.moduleIds`',
      );
    }
  });
});
