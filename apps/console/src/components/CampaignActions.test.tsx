import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import type { Campaign } from '../api/types';

// The client keeps the fetch it was created with: a signed-in marketer, and every other call
// (the withdraw) recorded and answered with the campaign back in draft.
const calls = vi.hoisted(() => {
  const calls: { method: string; url: string }[] = [];
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url).pathname;
    if (url === '/api/v1/auth/session')
      return Response.json({
        user: { id: 'm1', email: 'mei@example.com', name: 'Mei', role: 'marketer' },
        csrfToken: 'csrf',
      });
    calls.push({ method: request.method, url });
    return Response.json({ id: 'c1', status: 'draft', version: 5 });
  };
  return calls;
});

import { AuthProvider } from '../auth';
import { CampaignActions } from './CampaignActions';

function renderActions(status: Campaign['status']) {
  const campaign = { id: 'c1', status, version: 4, createdById: 'm1', lastEditedById: 'm1' } as Campaign;
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <AuthProvider>
        <App>
          <CampaignActions campaign={campaign} />
        </App>
      </AuthProvider>
    </QueryClientProvider>,
  );
}

describe('campaign actions', () => {
  // The editor says "Withdraw the campaign to edit it." and a cost-cap refusal says "withdraw the
  // campaign and raise its costCap": the marketer must find the button wherever the API takes it.
  it.each(['approved', 'blocked', 'paused', 'failed', 'pending_approval'] as const)(
    'offers a marketer Withdraw on a %s campaign, which sends the withdraw',
    async (status) => {
      calls.length = 0;
      const user = userEvent.setup();
      renderActions(status);
      await user.click(await screen.findByRole('button', { name: 'Withdraw' }));
      await vi.waitFor(() => expect(calls).toEqual([{ method: 'POST', url: '/api/v1/campaigns/c1/withdraw' }]));
    },
    30_000,
  );

  it('offers no Withdraw on a draft (it is one already)', async () => {
    renderActions('draft');
    await screen.findByRole('button', { name: 'Submit for approval' }); // the session has answered
    expect(screen.queryByRole('button', { name: 'Withdraw' })).toBeNull();
  });
});
