import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import { MemoryRouter } from 'react-router';
import i18next from 'i18next';

// The client keeps the fetch it was created with: a signed-in approver, one account, and a log of
// three entries: a named campaign's send-now, a gone entity, and an action the console has no words for.
vi.hoisted(() => {
  const entry = (id: string, fields: object) => ({
    id,
    actorId: null,
    actor: null,
    reason: null,
    before: null,
    after: null,
    createdAt: '2026-12-02T03:00:00.000Z',
    ...fields,
  });
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url).pathname;
    if (url === '/api/v1/auth/session')
      return Response.json({
        user: { id: 'p1', email: 'pat@example.com', name: 'Pat', role: 'approver' },
        csrfToken: 'csrf',
      });
    if (url === '/api/v1/line-accounts')
      return Response.json({ items: [{ id: 'a1', name: 'Sandbox', timezone: 'Asia/Taipei' }], nextCursor: null });
    if (url === '/api/v1/audit')
      return Response.json({
        items: [
          entry('e1', {
            entityType: 'campaign',
            entityId: '6a8fa154-0000-4000-8000-000000000001',
            entityName: 'Autumn sale',
            action: 'campaign.send_now',
          }),
          entry('e2', {
            entityType: 'audience',
            entityId: '9b1c2d3e-0000-4000-8000-000000000002',
            entityName: null,
            action: 'audience.deleted',
          }),
          entry('e3', {
            entityType: 'user',
            entityId: '7c7c7c7c-0000-4000-8000-000000000003',
            entityName: 'Mei',
            action: 'user.something_new',
          }),
        ],
        nextCursor: null,
      });
    return Response.json({ statusCode: 404, message: `not in this test: ${url}` }, { status: 404 });
  };
});

import { AccountProvider } from '../account';
import { AuthProvider } from '../auth';
import AuditPage from './AuditPage';

async function rows(): Promise<string[]> {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter>
        <AuthProvider>
          <AccountProvider>
            <App>
              <AuditPage />
            </App>
          </AccountProvider>
        </AuthProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const table = (await screen.findByText(/Autumn sale/)).closest('tbody') as HTMLElement;
  return within(table)
    .getAllByRole('row')
    .map((row) => row.textContent ?? '');
}

describe('audit log screen', () => {
  it('names entities and words actions; the id start only for a gone entity, the code for an unknown action', async () => {
    const [sent, deleted, unknown] = await rows();
    expect(sent).toContain('Sent now');
    expect(sent).toContain('campaign Autumn sale');
    expect(sent).not.toContain('campaign.send_now');
    expect(sent).not.toContain('6a8fa154');
    expect(deleted).toContain('Audience deleted');
    expect(deleted).toContain('audience 9b1c2d3e');
    expect(unknown).toContain('user.something_new');
    expect(unknown).toContain('user Mei');
  });

  it('says it in Traditional Chinese', async () => {
    await i18next.changeLanguage('zh-TW');
    try {
      const [sent, deleted] = await rows();
      expect(sent).toContain('立即發送');
      expect(sent).toContain('活動 Autumn sale');
      expect(deleted).toContain('刪除受眾');
    } finally {
      await i18next.changeLanguage('en');
    }
  });
});
