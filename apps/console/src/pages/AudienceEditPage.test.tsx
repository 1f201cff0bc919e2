import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import { MemoryRouter, Route, Routes } from 'react-router';

// The client keeps the fetch it was created with. The API as it answers an approver: the saved
// audience and its size, but not the size of an unsaved rule (POST /audiences/size is for those
// who edit: 403).
vi.hoisted(() => {
  const excluded = { blocked: 3, unfollowed: 2, frequencyCap: 0 };
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url).pathname;
    if (url === '/api/v1/auth/session')
      return Response.json({
        user: { id: 'p1', email: 'chen@example.com', name: 'Chen', role: 'approver' },
        csrfToken: 'csrf',
      });
    if (url === '/api/v1/line-accounts')
      return Response.json({ items: [{ id: 'a1', name: 'Sandbox', timezone: 'Asia/Taipei' }], nextCursor: null });
    if (url === '/api/v1/audiences/v1')
      return Response.json({ id: 'v1', lineAccountId: 'a1', name: 'VIP followers', definition: { tag: 'vip' } });
    if (url === '/api/v1/audiences/v1/size' && request.method === 'GET')
      return Response.json({ audienceId: 'v1', recipients: 1234, excluded, computedAt: '2026-12-02T03:00:00Z' });
    if (url === '/api/v1/audiences/size')
      return Response.json(
        {
          statusCode: 403,
          error: 'Forbidden',
          message: 'this action needs the role marketer or admin; you are approver',
          details: [],
        },
        { status: 403 },
      );
    if (url === '/api/v1/audiences' || url === '/api/v1/campaigns')
      return Response.json({ items: [], nextCursor: null });
    return Response.json({ statusCode: 404, message: `not in this test: ${url}`, details: [] }, { status: 404 });
  };
});

import { AccountProvider } from '../account';
import { AuthProvider } from '../auth';
import AudienceEditPage from './AudienceEditPage';

describe('audience page', () => {
  it("shows an approver the saved audience's size, not a refusal", async () => {
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter initialEntries={['/audiences/v1']}>
          <AuthProvider>
            <AccountProvider>
              <App>
                <Routes>
                  <Route path="/audiences/:id" element={<AudienceEditPage />} />
                </Routes>
              </App>
            </AccountProvider>
          </AuthProvider>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await screen.findByText('Marketers and admins edit audiences.'); // the approver's session is in
    const panel = (await screen.findByText('Live size')).closest('.ant-card') as HTMLElement;
    await within(panel).findByText('1,234', {}, { timeout: 5_000 });
    // Long enough for the debounced rule to have been asked about, were it asked.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(screen.queryByText(/needs the role/)).toBeNull();
    expect(within(panel).getByText('1,234')).toBeTruthy();
  }, 30_000);
});
