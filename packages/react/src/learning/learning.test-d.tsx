import type { RecommendationResponse } from '@knewton-kit/contract';
import { describe, expectTypeOf, it } from 'vitest';
import { KnewtonGate } from '../KnewtonGate.js';
import { useKnewtonAccount } from '../useKnewtonAccount.js';
import type { KnewtonRecommendationError } from './KnewtonRecommendationError.js';
import { useKnewtonEvents } from './useKnewtonEvents.js';
import { useKnewtonRecommendation } from './useKnewtonRecommendation.js';

describe('the learning hooks are usable only with a ready account', () => {
  it('take the id the gate’s ready render gives', () => {
    <KnewtonGate>
      {(accountId) => {
        const recommendation = useKnewtonRecommendation(accountId);
        const { send } = useKnewtonEvents(accountId);
        expectTypeOf(send).returns.toEqualTypeOf<string>();
        return recommendation.status;
      }}
    </KnewtonGate>;
  });

  it('take the id of useKnewtonAccount() once narrowed to ready, and nothing before', () => {
    const account = useKnewtonAccount();
    // @ts-expect-error there is no id before the account is ready
    expectTypeOf(useKnewtonRecommendation).toBeCallableWith(account.accountId);
    if (account.status === 'pending') {
      // @ts-expect-error a pending account has no id
      expectTypeOf(useKnewtonEvents).toBeCallableWith(account.accountId);
    }
    if (account.status === 'ready') {
      expectTypeOf(useKnewtonRecommendation).toBeCallableWith(account.accountId);
      expectTypeOf(useKnewtonEvents).toBeCallableWith(account.accountId);
    }
  });

  it('refuse a bare string or a possibly missing id', () => {
    const fromSomewhere = 'acc-1' as string;
    // @ts-expect-error not an id the kit reported ready
    expectTypeOf(useKnewtonRecommendation).toBeCallableWith(fromSomewhere);
    // @ts-expect-error not an id the kit reported ready
    expectTypeOf(useKnewtonEvents).toBeCallableWith('acc-1');
    // @ts-expect-error undefined is not an account
    expectTypeOf(useKnewtonEvents).toBeCallableWith(undefined);
  });
});

describe('useKnewtonRecommendation', () => {
  it('narrows on status like the account', () => {
    <KnewtonGate>
      {(accountId) => {
        const result = useKnewtonRecommendation(accountId);
        expectTypeOf(result.status).toEqualTypeOf<'pending' | 'ready' | 'error'>();
        if (result.status === 'ready') {
          expectTypeOf(result.recommendation).toEqualTypeOf<RecommendationResponse>();
          expectTypeOf(result.refreshError).toEqualTypeOf<KnewtonRecommendationError | undefined>();
        }
        if (result.status === 'error') {
          expectTypeOf(result.retry).toEqualTypeOf<() => void>();
          // @ts-expect-error no recommendation in the error state
          result.recommendation;
        }
        return null;
      }}
    </KnewtonGate>;
  });
});

describe('useKnewtonEvents().send', () => {
  it('requires isCorrect for a graded event and refuses it for an ungraded one', () => {
    <KnewtonGate>
      {(accountId) => {
        const { send } = useKnewtonEvents(accountId);
        send({ type: 'graded', moduleId: 'mref-a', isCorrect: false });
        send({ type: 'ungraded', moduleId: 'mref-a', durationMs: 1200 });
        // @ts-expect-error a graded event says whether the answer was correct
        send({ type: 'graded', moduleId: 'mref-a' });
        // @ts-expect-error an ungraded event has no correctness
        send({ type: 'ungraded', moduleId: 'mref-a', isCorrect: true });
        // @ts-expect-error the kit makes the id, once
        send({ type: 'ungraded', moduleId: 'mref-a', id: 'mine' });
        return null;
      }}
    </KnewtonGate>;
  });
});
