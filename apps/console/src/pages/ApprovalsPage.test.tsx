import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import { MemoryRouter } from 'react-router';

// The client keeps the fetch it was created with: one that records every request the page makes.
const api = vi.hoisted(() => {
  const state = { calls: [] as string[], answers: new Map<string, unknown>() };
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    // Typed calls pass a Request; the session's plain fetch a path.
    const request = new Request(input, init);
    const url = new URL(request.url);
    state.calls.push(`${request.method} ${url.pathname}`);
    const answer = state.answers.get(url.pathname);
    return answer === undefined ? Response.json({ message: 'not found' }, { status: 404 }) : Response.json(answer);
  };
  return state;
});

import { AuthProvider } from '../auth';
import { AccountProvider } from '../account';
import ApprovalsPage from './ApprovalsPage';

const account = {
  id: 'a1',
  name: 'Taipei Bakery',
  timezone: 'Asia/Taipei',
  currency: 'TWD',
  monthlyBudget: { amount: '1000.0000', currency: 'TWD' },
  version: 1,
};

function campaign(n: number) {
  return {
    id: `c${n}`,
    lineAccountId: 'a1',
    audienceId: n === 3 ? 'au2' : 'au1',
    name: `Campaign ${n}`,
    status: 'pending_approval',
    version: 4,
    messages: [{ type: 'text', text: `Sale ${n}` }],
    variants: null,
    abTest: null,
    createdById: 'u1',
    lastEditedById: 'u1',
    submission: { submittedById: 'u1', submittedAt: '2026-12-01T02:00:00.000Z', forecastId: 'f0' },
    approval: null,
    lastRejection: null,
  };
}

function forecast(recipients: number, cost: string, verdict: string) {
  return {
    campaignId: 'c1',
    lineAccountId: 'a1',
    month: '2026-12',
    computedAt: '2026-12-01T03:00:00.000Z',
    recipients,
    requestsPerRecipient: 1,
    messages: recipients,
    quota: { free: 6000, used: 0, reserved: 0, headroom: 0, remainingFree: 6000, source: 'line', fresh: true },
    freeMessages: recipients,
    paidMessages: 0,
    cost: { amount: cost, currency: 'TWD', bands: [] },
    budget: { monthlyCap: '1000', spentThisMonth: '0', reservedThisMonth: '0', remainingAfter: '1000.0000' },
    verdict,
    verdicts: verdict === 'ok' ? [] : [verdict],
    reasons: [`${recipients} recipients as the API counted them.`],
    reasonDetails: [],
    suggestions: [],
    deferral: null,
    trim: null,
    rateCard: { id: 'r1', region: 'TW', plan: 'high', verified: true, source: 'LINE' },
  };
}

// GET /approvals as the API answers it: each card's figures in the one answer.
function item(n: number) {
  return {
    campaign: campaign(n),
    forecast: forecast(1200 + n, '0.0000', 'ok'),
    atSubmission: { id: 'f0', recipients: 1000 + n, cost: { amount: '12.5000', currency: 'TWD' }, verdict: 'ok' },
    changes: {
      campaignId: `c${n}`,
      lastApproval: { approvedAt: '2026-11-30T02:00:00.000Z', approvedById: 'u2', version: 2, comment: null },
      changes: [{ field: 'costCap', before: '50.0000', after: null }],
    },
    audience: {
      id: n === 3 ? 'au2' : 'au1',
      lineAccountId: 'a1',
      name: n === 3 ? 'VIP' : 'Everyone',
      definition: n === 3 ? { tag: 'vip' } : { all: [] },
    },
    audienceSize: {
      audienceId: n === 3 ? 'au2' : 'au1',
      recipients: 1200 + n,
      excluded: { blocked: 3, unfollowed: 4, frequencyCap: 0 },
      frequencyCap: null,
      computedAt: '2026-12-01T03:00:00.000Z',
    },
  };
}

describe('the Approvals page', () => {
  it('shows every pending campaign from one request, whatever their number', async () => {
    api.answers.set('/api/v1/auth/session', {
      user: { id: 'u9', email: 'approver@example.com', name: 'Approver', role: 'approver' },
      csrfToken: 'x',
    });
    api.answers.set('/api/v1/line-accounts', { items: [account], nextCursor: null });
    api.answers.set('/api/v1/approvals', { items: [1, 2, 3].map(item), nextCursor: null });
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <App>
          <MemoryRouter>
            <AuthProvider>
              <AccountProvider>
                <ApprovalsPage />
              </AccountProvider>
            </AuthProvider>
          </MemoryRouter>
        </App>
      </QueryClientProvider>,
    );
    await waitFor(() => expect(screen.getAllByTestId('approval-card')).toHaveLength(3));
    const cards = screen.getAllByTestId('approval-card');
    const third = within(cards[2]);
    // Its audience, inline: name, rule and the size counted now.
    expect(third.getByTestId('approval-audience').textContent).toMatch(
      /VIP.*tag vip.*1,203 \(excluded: 3 blocked, 4 unfollowed\)/,
    );
    // What changed since the last approval.
    expect(within(third.getByTestId('changes')).getByText('Cost cap')).toBeTruthy();
    // The forecast now, and at submission.
    expect(within(third.getByTestId('forecast-panel')).getByTestId('verdict')).toBeTruthy();
    expect(cards[2].textContent).toContain('NT$12.50');
    expect(cards[2].textContent).toContain('1,003');
    // The session, the accounts and one list for the three cards: no request per card.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.calls.filter((call) => call.startsWith('GET /api/v1/approvals'))).toEqual(['GET /api/v1/approvals']);
    expect(api.calls.sort()).toEqual([
      'GET /api/v1/approvals',
      'GET /api/v1/auth/session',
      'GET /api/v1/line-accounts',
    ]);
  });
});
