import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import i18next from 'i18next';
import type { Campaign } from '../api/types';

// The client keeps the fetch it was created with: a signed-in marketer (or approver), and every
// other call recorded. A withdraw answers with the campaign back in draft; a send-now as the API
// answers one inside the account's quiet hours; the forecast as OK to send.
const { calls, session } = vi.hoisted(() => {
  const calls: { method: string; url: string }[] = [];
  const session = { role: 'marketer' };
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url).pathname;
    if (url === '/api/v1/auth/session')
      return Response.json({
        user: { id: `${session.role}-1`, email: 'someone@example.com', name: 'Someone', role: session.role },
        csrfToken: 'csrf',
      });
    calls.push({ method: request.method, url });
    if (url.endsWith('/forecast'))
      return Response.json({
        recipients: 100,
        paidMessages: 0,
        cost: { amount: '0.0000', currency: 'TWD', bands: [] },
        verdict: 'ok',
        reasons: [],
      });
    if (url.endsWith('/send-now'))
      return Response.json(
        {
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: "this send would go at 2026-12-02 13:00 +08:00, when the account's quiet hours end",
          details: [
            {
              field: 'overrideQuietHours',
              problem:
                'quiet hours (11:00–13:00, Asia/Taipei) are in force until 2026-12-02 13:00 +08:00: send-now then, ' +
                'or send now anyway with {"overrideQuietHours": true, "reason": "…"} (approvers and admins)',
            },
          ],
          sendsAt: '2026-12-02T05:00:00.000Z',
          sendsAtLocal: '2026-12-02 13:00 +08:00',
        },
        { status: 422 },
      );
    return Response.json({ id: 'c1', status: 'draft', version: 5 });
  };
  return { calls, session };
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
      session.role = 'marketer';
      calls.length = 0;
      const user = userEvent.setup();
      renderActions(status);
      await user.click(await screen.findByRole('button', { name: 'Withdraw' }));
      await vi.waitFor(() => expect(calls).toEqual([{ method: 'POST', url: '/api/v1/campaigns/c1/withdraw' }]));
    },
    30_000,
  );

  it('offers no Withdraw on a draft (it is one already)', async () => {
    session.role = 'marketer';
    renderActions('draft');
    await screen.findByRole('button', { name: 'Submit for approval' }); // the session has answered
    expect(screen.queryByRole('button', { name: 'Withdraw' })).toBeNull();
  });

  it.each([
    ['en', 'Send now', 'Quiet hours are in force until 2026-12-02 13:00 +08:00: nothing was sent.', 'Send anyway'],
    ['zh-TW', '立即發送', '勿擾時段持續到 2026-12-02 13:00 +08:00：未發送任何訊息。', '仍要發送'],
  ])(
    "a send-now refused for quiet hours says so in the reader's language (%s), with the button, not the API's request body",
    async (language, sendNow, title, sendAnyway) => {
      session.role = 'approver';
      await i18next.changeLanguage(language);
      try {
        const user = userEvent.setup();
        renderActions('approved');
        await user.click(await screen.findByRole('button', { name: sendNow }));
        const dialog = await screen.findByRole('dialog');
        await within(dialog).findByTestId('send-now-forecast');
        await user.click(within(dialog).getByRole('button', { name: sendNow }));
        const alert = await screen.findByRole('alert');
        await within(alert).findByText(title);
        expect(alert.textContent).not.toContain('overrideQuietHours');
        expect(alert.textContent).not.toContain('quiet hours end'); // the API's English
        expect(within(alert).getByRole('button', { name: sendAnyway })).toBeTruthy();
      } finally {
        await i18next.changeLanguage('en');
      }
    },
    30_000,
  );
});
