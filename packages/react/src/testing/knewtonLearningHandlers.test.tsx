// A host's test of a component using `@knewton-kit/react/learning`, with no BFF: the README's example.
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setupMswServer } from '../../test/support/mswServer.js';
import { type KnewtonAccountId, KnewtonGate } from '../index.js';
import { useKnewtonEvents } from '../learning/useKnewtonEvents.js';
import { useKnewtonRecommendation } from '../learning/useKnewtonRecommendation.js';
import { KnewtonTestProvider } from './KnewtonTestProvider.js';
import { knewtonLearningHandlers } from './knewtonLearningHandlers.js';

const msw = setupMswServer();
const url = 'http://localhost:3000/api/knewton/events';
const csrf = { 'X-CSRF': '1', 'Content-Type': 'application/json' };
const event = {
  id: '5f0c3a1e-8b2d-4c6f-9a7e-1d2c3b4a5f60',
  type: 'graded',
  moduleId: 'mref-a',
  interactionEndTime: '2026-01-01T00:00:00Z',
  isCorrect: true,
};

function Practice({ accountId }: { accountId: KnewtonAccountId }) {
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
      <p>next: {next.status === 'ready' ? next.recommendation.moduleIds.join(', ') : '…'}</p>
    </>
  );
}

describe('knewtonLearningHandlers', () => {
  it('let a host test a component that sends events and shows the recommendation', async () => {
    const fake = knewtonLearningHandlers({ moduleIds: ['mref-fractions', 'mref-algebra'] });
    msw.server.use(...fake.handlers);
    render(
      <KnewtonTestProvider state={{ status: 'ready' }}>
        <KnewtonGate>{(accountId) => <Practice accountId={accountId} />}</KnewtonGate>
      </KnewtonTestProvider>,
    );
    await screen.findByText('next: mref-fractions, mref-algebra');
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    await expect.poll(() => fake.events.length).toBe(2);
    expect(fake.events[0]).toMatchObject({ moduleId: 'mref-fractions', isCorrect: true });
    // Two correct answers master the module, as in the simulator.
    expect(fake.recommendation().moduleIds).toEqual(['mref-algebra']);
  });

  it('refuse what the BFF refuses: no CSRF header 403, an invalid event 400, and store an id once', async () => {
    const fake = knewtonLearningHandlers();
    msw.server.use(...fake.handlers);
    const body = JSON.stringify({ events: [event] });
    expect((await fetch(url, { method: 'POST', body })).status).toBe(403);
    const invalid = await fetch(url, {
      method: 'POST',
      headers: csrf,
      body: JSON.stringify({ events: [{ ...event, isCorrect: undefined }] }),
    });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.message).toMatch(/isCorrect is required/);
    expect(fake.events).toEqual([]);
    for (let i = 0; i < 2; i++) {
      const accepted = await fetch(url, { method: 'POST', headers: csrf, body });
      expect(accepted.status).toBe(202);
      expect(await accepted.json()).toEqual({ accepted: 1 });
    }
    expect(fake.events).toHaveLength(1);
  });

  it('answer a chosen error with its Retry-After', async () => {
    msw.server.use(
      ...knewtonLearningHandlers({ recommendationError: 'rate_limited', retryAfterSeconds: 9 })
        .handlers,
    );
    const response = await fetch('http://localhost:3000/api/knewton/recommendation');
    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('9');
  });
});
