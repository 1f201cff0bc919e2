import { describe, expect, it, vi } from 'vitest';
import { configure, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { MemoryRouter, Route, Routes } from 'react-router';

// The browser is in Los Angeles, the LINE account in Taipei: what the composer schedules must be the
// API's instant, whatever the browser's zone. The client keeps the fetch it was created with: one
// that answers as the API would and records every call.
const api = vi.hoisted(() => {
  process.env.TZ = 'America/Los_Angeles';
  const state = { calls: [] as { method: string; url: string; body: unknown }[] };
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const text = request.method === 'GET' ? '' : await request.text();
    const body: unknown = text ? JSON.parse(text) : null;
    const url = new URL(request.url).pathname;
    state.calls.push({ method: request.method, url, body });
    return answer(request.method, url, body);
  };
  return state;
});

import { AuthProvider } from '../auth';
import { AccountProvider } from '../account';
import CampaignEditPage from './CampaignEditPage';
import { savedCampaign } from '../test-fixtures';

// The whole composer in jsdom on a shared machine: an answer can take more than the default second.
configure({ asyncUtilTimeout: 5000 });

const ACCOUNT = {
  id: 'a1',
  name: 'Tea House',
  timezone: 'Asia/Taipei',
  version: 1,
  plan: 'high',
  monthlyBudget: { amount: '500.0000', currency: 'TWD' },
  frequencyCap: null,
};

// The API's suggestion: January, at the instant it chose (09:30 in Taipei, not the 10:00 a browser might guess).
const NEXT_MONTH = {
  kind: 'next_month',
  month: '2027-01',
  at: '2027-01-01T01:30:00.000Z',
  cost: '0.0000',
  currency: 'TWD',
  verdict: 'ok',
  verdicts: [],
};

function forecast() {
  return {
    campaignId: 'c1',
    lineAccountId: 'a1',
    month: '2026-12',
    computedAt: '2026-12-20T10:00:00.000Z',
    sendAt: null,
    recipients: 1000,
    requestsPerRecipient: 1,
    messages: 1000,
    quota: { free: 6000, used: 6000, reserved: 0, headroom: 0, remainingFree: 0, source: 'line', fresh: true },
    freeMessages: 0,
    paidMessages: 1000,
    cost: { amount: '200.0000', currency: 'TWD', bands: [] },
    budget: { monthlyCap: '500', spentThisMonth: '0', reservedThisMonth: '0', remainingAfter: '300.0000' },
    verdict: 'ok',
    verdicts: [],
    reasons: [],
    reasonDetails: [],
    suggestions: [NEXT_MONTH],
    deferral: null,
    rateCard: { id: 'r1', region: 'TW', plan: 'high', verified: true, source: 'LINE' },
  };
}

const campaignOf = (body: Record<string, unknown>, version: number) =>
  savedCampaign({ messages: [{ type: 'text', text: 'Hot tea, half price' }], ...body }, version);

function answer(method: string, url: string, body: unknown): Response {
  if (url === '/api/v1/auth/session')
    return Response.json({
      user: { id: 'm1', email: 'hsu@example.com', name: 'Hsu', role: 'marketer' },
      csrfToken: 'csrf',
    });
  if (url === '/api/v1/line-accounts') return Response.json({ items: [ACCOUNT], nextCursor: null });
  if (url === '/api/v1/audiences')
    return Response.json({ items: [{ id: 'u1', name: 'All followers', lineAccountId: 'a1' }], nextCursor: null });
  if (url === '/api/v1/campaigns/forecast-draft' && method === 'POST') return Response.json(forecast());
  if (url === '/api/v1/campaigns/c1' && method === 'GET') return Response.json(campaignOf({}, 1));
  if (url === '/api/v1/campaigns/c1' && method === 'PATCH')
    return Response.json(campaignOf(body as Record<string, unknown>, 2));
  if (url.endsWith('/runs')) return Response.json({ items: [], nextCursor: null });
  return Response.json({ statusCode: 404, error: 'Not Found', message: 'not here', details: [] }, { status: 404 });
}

describe("the forecast's next-month suggestion, applied in the composer", () => {
  it("schedules the API's instant, shown in the account's zone, with the browser in another", async () => {
    expect(new Date('2027-01-01T01:30:00.000Z').getHours()).toBe(17); // the browser's clock: Los Angeles
    const user = userEvent.setup();
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <AntApp>
          <AuthProvider>
            <AccountProvider>
              <MemoryRouter initialEntries={['/campaigns/c1']}>
                <Routes>
                  <Route path="/campaigns/:id" element={<CampaignEditPage />} />
                </Routes>
              </MemoryRouter>
            </AccountProvider>
          </AuthProvider>
        </AntApp>
      </QueryClientProvider>,
    );
    // The live forecast of the saved draft carries the suggestion (a loaded machine can take a while).
    await user.click(await screen.findByRole('button', { name: 'Move to next month' }, { timeout: 30_000 }));
    // Saved in the same click, as the instant the API suggested (its offset the account's).
    await waitFor(() =>
      expect(api.calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toMatchObject({
        schedule: { at: '2027-01-01T09:30:00+08:00' },
      }),
    );
    expect(new Date('2027-01-01T09:30:00+08:00').toISOString()).toBe(NEXT_MONTH.at);
    // The field shows it in the account's zone, which it is labelled with.
    expect((screen.getByLabelText('Send at (Asia/Taipei)') as HTMLInputElement).value).toBe('2027-01-01T09:30');
  }, 120_000);
});
