import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithClient } from '../testing/renderWithClient.js';
import { stubFetch } from '../testing/stubFetch.js';
import { DevPanel } from './DevPanel.js';

const fetchMock = stubFetch();

describe('DevPanel', () => {
  it('shows the server’s outage state, as a new tab opened during an outage would', async () => {
    fetchMock.mockImplementation(async () => Response.json({ errorRate: 1, errorStatus: 503 }));
    renderWithClient(<DevPanel />);
    const outage = screen.getByRole('switch', { name: 'Platform outage', hidden: true });
    await waitFor(() => expect(outage.getAttribute('aria-checked')).toBe('true'));
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe('/api/dev/platform-faults');
  });

  it('collapses and opens again', async () => {
    fetchMock.mockImplementation(async () => Response.json({}));
    renderWithClient(<DevPanel />);
    const toggle = screen.getByRole('button', { name: 'Developer panel' });
    const body = document.getElementById(toggle.getAttribute('aria-controls') ?? '');
    const wasOpen = toggle.getAttribute('aria-expanded') === 'true';
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe(String(!wasOpen));
    expect(body?.hidden).toBe(wasOpen);
    fireEvent.click(toggle);
    expect(body?.hidden).toBe(!wasOpen);
  });
});
