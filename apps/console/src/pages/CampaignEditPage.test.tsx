import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import { MemoryRouter, Route, Routes } from 'react-router';

// The client keeps the fetch it was created with: a marketer, the sandbox account and one campaign
// in the status the test sets, as the API answers them; the calls are recorded.
const api = vi.hoisted(() => {
  const state = { status: 'completed', calls: [] as string[] };
  const account = {
    id: 'a1',
    name: 'Sandbox',
    channelId: '2000000000',
    region: 'TW',
    plan: 'high',
    timezone: 'Asia/Taipei',
    monthlyBudget: { amount: '500.0000', currency: 'TWD' },
    additionalMessageCap: null,
    otherPushHeadroom: 0,
    frequencyCap: null,
    apiBaseUrl: null,
    isSandbox: true,
    quietHours: null,
    alerts: null,
    version: 1,
  };
  const campaign = () => ({
    id: 'c1',
    lineAccountId: 'a1',
    audienceId: 'v1',
    name: 'Weekend sale',
    messages: [{ type: 'text', text: 'Weekend sale: 20% off' }],
    variants: null,
    abTest: null,
    requestsPerRecipient: 1,
    schedule: null,
    maxRecipients: null,
    costCap: null,
    overBudgetPolicy: 'block',
    frequencyCap: null,
    deferPriority: null,
    status: state.status,
    version: 5,
    createdById: 'm1',
    lastEditedById: 'm1',
    submission: null,
    approval: {
      approvedById: 'p1',
      approvedAt: '2026-12-02T03:26:48.646Z',
      comment: null,
      version: 3,
      forecastId: 'f1',
      recipients: 1000,
      messages: 1000,
      cost: { amount: '160.0000', currency: 'TWD' },
    },
    lastRejection: null,
  });
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url).pathname;
    state.calls.push(`${request.method} ${url}`);
    if (url === '/api/v1/auth/session')
      return Response.json({
        user: { id: 'm1', email: 'mei@example.com', name: 'Mei', role: 'marketer' },
        csrfToken: 'csrf',
      });
    if (url === '/api/v1/line-accounts') return Response.json({ items: [account], nextCursor: null });
    if (url === '/api/v1/campaigns/c1') return Response.json(campaign());
    if (url.endsWith('/forecast') || url.endsWith('/results'))
      return Response.json({ statusCode: 404, message: 'not in this test', details: [] }, { status: 404 });
    return Response.json({ items: [], nextCursor: null });
  };
  return state;
});

import { AccountProvider } from '../account';
import { AuthProvider } from '../auth';
import CampaignEditPage from './CampaignEditPage';

function renderCampaign() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={['/campaigns/c1']}>
        <AuthProvider>
          <AccountProvider>
            <App>
              <Routes>
                <Route path="/campaigns/:id" element={<CampaignEditPage />} />
              </Routes>
            </App>
          </AccountProvider>
        </AuthProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('campaign page: the forecast', () => {
  it.each(['completed', 'cancelled'])(
    'a %s campaign shows no forecast of a send it can no longer make, and asks for none',
    async (status) => {
      api.status = status;
      api.calls = [];
      renderCampaign();
      expect((await screen.findByTestId('forecast-finished')).textContent).toBe(
        'This campaign sends nothing more: what it cost is under Results.',
      );
      expect(screen.queryByTestId('verdict')).toBeNull();
      expect(api.calls.filter((call) => call.endsWith('/forecast'))).toEqual([]);
    },
    30_000,
  );

  it('an approved campaign still shows the forecast of sending it now', async () => {
    api.status = 'approved';
    api.calls = [];
    renderCampaign();
    await vi.waitFor(() => expect(api.calls).toContain('GET /api/v1/campaigns/c1/forecast'), { timeout: 10_000 });
    expect(screen.queryByTestId('forecast-finished')).toBeNull();
  }, 30_000);
});
