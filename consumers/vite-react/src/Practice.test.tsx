import { KnewtonTestProvider, knewtonLearningHandlers } from '@knewton-kit/react/testing';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { afterEach, expect, it } from 'vitest';
import { Practice } from './Practice';

afterEach(cleanup);

it('sends checked answers and shows the recommendation moving on, from the packed learning entry', async () => {
  const fake = knewtonLearningHandlers({ moduleIds: ['mref-fractions', 'mref-algebra'] });
  const server = setupServer(...fake.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  try {
    render(
      <KnewtonTestProvider state={{ status: 'ready' }}>
        <Practice />
      </KnewtonTestProvider>,
    );
    expect(await screen.findByText('Next: mref-fractions, mref-algebra')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    await expect.poll(() => fake.events.length).toBe(2);
    expect(fake.recommendation().moduleIds).toEqual(['mref-algebra']);
  } finally {
    server.close();
  }
});
