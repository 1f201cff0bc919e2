import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { LineAccount } from '../api/types';

// The client keeps the fetch it was created with: this one answers like the API and records the bodies.
const calls = vi.hoisted(() => {
  const sent: { method: string; url: string; body: unknown }[] = [];
  const answers: { status: number; body: unknown }[] = [];
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url).pathname;
    if (url.endsWith('/rate-cards'))
      return Response.json({
        items: [
          { region: 'TW', plan: 'light' },
          { region: 'TW', plan: 'high' },
          { region: 'JP', plan: 'standard' },
        ],
        nextCursor: null,
      });
    sent.push({ method: request.method, url, body: JSON.parse(await request.text()) });
    const answer = answers.shift() ?? { status: 500, body: {} };
    return Response.json(answer.body, { status: answer.status });
  };
  return { sent, answers };
});

import { LineAccountForm } from './LineAccountForm';

const stored: LineAccount = {
  id: '7d0c6c8e-5f3c-4a8e-9a51-0f5a1e1f0001',
  name: 'Tea House',
  channelId: '1900000001',
  region: 'TW',
  plan: 'high',
  timezone: 'Asia/Taipei',
  monthlyBudget: { amount: '500.0000', currency: 'TWD' },
  additionalMessageCap: 2000,
  otherPushHeadroom: 0,
  frequencyCap: null,
  apiBaseUrl: 'http://127.0.0.1:4500',
  isSandbox: false,
  quietHours: null,
  alerts: null,
  version: 3,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};

function renderForm(account: LineAccount | undefined, onSaved = vi.fn()) {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <LineAccountForm account={account} onSaved={onSaved} />
    </QueryClientProvider>,
  );
  return onSaved;
}

/** The form item around a labelled input: its error text is shown there. */
const itemOf = (label: string) => screen.getByLabelText(label).closest('.ant-form-item') as HTMLElement;

describe('LineAccountForm', () => {
  it("creates an account with every field the API takes, and shows the API's problem on its field", async () => {
    const user = userEvent.setup();
    const onSaved = renderForm(undefined);
    await user.type(screen.getByLabelText('Account name'), 'Tea House');
    await user.type(screen.getByLabelText('Channel id'), '19000x');
    await user.type(screen.getByLabelText('Channel access token'), 'token-1');
    await user.type(screen.getByLabelText('Channel secret'), 'secret-1');
    await user.click(screen.getByRole('combobox', { name: 'Plan' }));
    await user.click(await screen.findByTitle('high'));
    expect(screen.queryByTitle('standard')).toBeNull(); // a JP plan, not offered for TW
    await user.type(screen.getByLabelText('Monthly cap (TWD)'), '500');

    calls.answers.push({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'channelId: must be the numeric channel id',
        details: [{ field: 'channelId', problem: 'must be the numeric channel id' }],
      },
    });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(within(itemOf('Channel id')).getByText('must be the numeric channel id')).toBeTruthy());
    expect(onSaved).not.toHaveBeenCalled();

    await user.clear(screen.getByLabelText('Channel id'));
    await user.type(screen.getByLabelText('Channel id'), '1900000009');
    calls.answers.push({ status: 201, body: { ...stored, channelId: '1900000009' } });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(calls.sent.at(-1)).toEqual({
      method: 'POST',
      url: '/api/v1/line-accounts',
      body: {
        name: 'Tea House',
        channelId: '1900000009',
        channelAccessToken: 'token-1',
        channelSecret: 'secret-1',
        region: 'TW',
        plan: 'high',
        timezone: 'Asia/Taipei',
        monthlyBudget: '500',
        additionalMessageCap: null,
        alerts: null,
        otherPushHeadroom: 0,
        frequencyCap: null,
        apiBaseUrl: null,
        quietHours: null,
      },
    });
  });

  it('edits an account with its version, keeps the stored secrets when left empty, and offers the webhook URL', async () => {
    const user = userEvent.setup();
    const onSaved = renderForm(stored);
    expect((screen.getByLabelText('Channel id') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByTestId('webhook-url').textContent).toBe(
      `${window.location.origin}/api/v1/webhooks/line/${stored.id}`,
    );
    await user.clear(screen.getByLabelText('Monthly cap (TWD)'));
    await user.type(screen.getByLabelText('Monthly cap (TWD)'), '800');
    await user.clear(screen.getByLabelText('Additional-message cap (messages; empty: none)'));
    calls.answers.push({ status: 200, body: { ...stored, version: 4 } });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(calls.sent.at(-1)).toEqual({
      method: 'PATCH',
      url: `/api/v1/line-accounts/${stored.id}`,
      body: {
        name: 'Tea House',
        region: 'TW',
        plan: 'high',
        timezone: 'Asia/Taipei',
        monthlyBudget: '800',
        additionalMessageCap: null,
        alerts: null,
        otherPushHeadroom: 0,
        frequencyCap: null,
        apiBaseUrl: 'http://127.0.0.1:4500',
        quietHours: null,
        version: 3,
      },
    });
  });

  it("sets quiet hours in the account's zone and shows the API's problem on the field it names", async () => {
    const user = userEvent.setup();
    const onSaved = renderForm({ ...stored, quietHours: { start: '22:00', end: '08:00' } });
    expect((screen.getByLabelText('Quiet from (HH:MM)') as HTMLInputElement).value).toBe('22:00');
    await user.clear(screen.getByLabelText('Quiet from (HH:MM)'));
    await user.type(screen.getByLabelText('Quiet from (HH:MM)'), '21:00');
    await user.clear(screen.getByLabelText('Until (HH:MM)'));
    await user.type(screen.getByLabelText('Until (HH:MM)'), '21:00');
    calls.answers.push({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'quietHours.end: must differ from start (null turns quiet hours off)',
        details: [{ field: 'quietHours.end', problem: 'must differ from start (null turns quiet hours off)' }],
      },
    });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(
        within(itemOf('Until (HH:MM)')).getByText('must differ from start (null turns quiet hours off)'),
      ).toBeTruthy(),
    );
    expect((calls.sent.at(-1)!.body as { quietHours: unknown }).quietHours).toEqual({ start: '21:00', end: '21:00' });

    await user.clear(screen.getByLabelText('Until (HH:MM)'));
    await user.type(screen.getByLabelText('Until (HH:MM)'), '09:00');
    calls.answers.push({ status: 200, body: { ...stored, quietHours: { start: '21:00', end: '09:00' }, version: 4 } });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect((calls.sent.at(-1)!.body as { quietHours: unknown }).quietHours).toEqual({ start: '21:00', end: '09:00' });

    // Both emptied: off.
    await user.clear(screen.getByLabelText('Quiet from (HH:MM)'));
    await user.clear(screen.getByLabelText('Until (HH:MM)'));
    calls.answers.push({ status: 200, body: { ...stored, version: 5 } });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(2));
    expect((calls.sent.at(-1)!.body as { quietHours: unknown }).quietHours).toBeNull();
  });
});
