import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import { MemoryRouter } from 'react-router';

// The client keeps the fetch it was created with: a signed-in marketer, one account, and one
// campaign whose run the budget gate refused for the reason the test sets.
const api = vi.hoisted(() => {
  const state = { clearedBy: '', code: 'over_budget', role: 'marketer' };
  const progress = { recipients: 0, batches: 0, batchesDone: 0, delivered: 0, failed: 0, remaining: 0 };
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url).pathname;
    if (url === '/api/v1/auth/session')
      return Response.json({
        user: { id: 'm1', email: 'mei@example.com', name: 'Mei', role: state.role },
        csrfToken: 'csrf',
      });
    if (url === '/api/v1/line-accounts')
      return Response.json({ items: [{ id: 'a1', name: 'Sandbox', timezone: 'Asia/Taipei' }], nextCursor: null });
    if (url === '/api/v1/campaigns')
      return Response.json({
        items: [{ id: 'c1', name: 'Capped sale', status: 'blocked', version: 4, createdById: 'm1' }],
        nextCursor: null,
      });
    if (url === '/api/v1/runs')
      return Response.json({
        items: [
          {
            id: 'r1',
            campaignId: 'c1',
            status: 'blocked',
            scheduledAt: '2026-12-02T03:26:00.000Z',
            progress: { ...progress, recipientsPerSecond: null },
            reserved: { messages: 0, cost: { amount: '0.0000', currency: 'TWD' } },
            actual: { messages: 0, cost: { amount: '0.0000', currency: 'TWD' } },
            statusDetail: null,
            blockReasons: [{ code: state.code, message: 'over', clearedBy: state.clearedBy }],
          },
        ],
        nextCursor: null,
      });
    return Response.json({ statusCode: 404, message: `not in this test: ${url}` }, { status: 404 });
  };
  return state;
});

import { AccountProvider } from '../account';
import { AuthProvider } from '../auth';
import RunsPage from './RunsPage';

async function actionOfBlockedRun(
  clearedBy: string,
  { code = 'over_budget', role = 'marketer' } = {},
): Promise<string> {
  Object.assign(api, { clearedBy, code, role });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter>
        <AuthProvider>
          <AccountProvider>
            <App>
              <RunsPage />
            </App>
          </AccountProvider>
        </AuthProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const row = (await screen.findByTestId('run-status')).closest('tr') as HTMLElement;
  // The runs are asked for once the session and its account are in, so the row is worded for the role.
  await waitFor(() => expect(row.lastElementChild!.textContent).not.toBe(''));
  return row.lastElementChild!.textContent!;
}

describe('runs screen: what clears a blocked run', () => {
  it("a run over the campaign's own cost cap says to withdraw the campaign and raise its cost cap, not the monthly cap", async () => {
    const action = await actionOfBlockedRun('POST /campaigns/:id/withdraw');
    expect(action).toContain('Withdraw the campaign and raise its cost cap.');
    expect(action).not.toContain('monthly cap');
  });

  it('a run over the monthly budget says an admin raises the monthly cap', async () => {
    const action = await actionOfBlockedRun('PATCH /line-accounts/:id');
    expect(action).toContain('An admin raises the monthly cap.');
    expect(action).not.toContain('cost cap');
  });

  it('a run over both says both', async () => {
    const action = await actionOfBlockedRun('PATCH /line-accounts/:id and POST /campaigns/:id/withdraw');
    expect(action).toContain('An admin raises the monthly cap.');
    expect(action).toContain('Withdraw the campaign and raise its cost cap.');
  });

  it("offers no retry for a run only the campaign's change clears: the retry would be blocked again at once", async () => {
    const capped = await actionOfBlockedRun('POST /campaigns/:id/withdraw', { role: 'approver' });
    expect(capped).not.toContain('Retry the run');
    expect(capped).not.toContain('retries it');
    expect(capped).toContain('A marketer withdraws the campaign and raises its cost cap.');
  });

  it('offers no retry while a reason also needs the campaign changed, nor for one that needs it approved again', async () => {
    expect(
      await actionOfBlockedRun('PATCH /line-accounts/:id and POST /campaigns/:id/withdraw', { role: 'admin' }),
    ).not.toContain('Retry the run');
    document.body.innerHTML = '';
    const grown = await actionOfBlockedRun('POST /campaigns/:id/submit', {
      code: 'needs_reapproval',
      role: 'approver',
    });
    expect(grown).toContain('The cost grew: submit the campaign for approval again.');
    expect(grown).not.toContain('Retry the run');
  });

  it('still offers the retry when the account can be changed to clear it', async () => {
    expect(await actionOfBlockedRun('PATCH /line-accounts/:id', { role: 'approver' })).toContain('Retry the run');
  });
});
