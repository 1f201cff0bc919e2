import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Forecast, Suggestion } from '../api/types';
import { ForecastPanel } from './ForecastPanel';

// An API answer as GET /campaigns/:id/forecast gives it. Its figures are deliberately not
// consistent with each other (free + paid ≠ messages): the panel must show them as given.
const forecast: Forecast = {
  campaignId: 'c1',
  lineAccountId: 'a1',
  month: '2026-12',
  computedAt: '2026-12-01T10:00:00.000Z',
  recipients: 12000,
  requestsPerRecipient: 1,
  messages: 12000,
  quota: {
    free: 6000,
    used: 1500,
    reserved: 0,
    headroom: 0,
    remainingFree: 4500,
    source: 'line',
    fresh: true,
    paidSoFar: 0,
    lineLimit: null,
    additionalCap: null,
  },
  freeMessages: 4500,
  paidMessages: 7400,
  cost: {
    amount: '1234.5000',
    currency: 'TWD',
    bands: [
      { from: 1, to: 5000, unitPrice: '0.2', messages: 5000, amount: '1000.0000' },
      { from: 5001, to: 7400, unitPrice: '0.0978', messages: 2400, amount: '234.5000' },
    ],
  },
  budget: {
    monthlyCap: '1000',
    spentThisMonth: '0',
    reservedThisMonth: '0',
    remainingAfter: '0.0000',
    overBy: '234.5000',
    costCap: null,
    currency: 'TWD',
  },
  verdict: 'over_budget',
  verdicts: ['over_budget', 'quota_unknown'],
  reasons: [
    '12,000 recipients × 1 request each = 12,000 messages in 2026-12.',
    'over_budget: 1234.5000 TWD would pass the monthly cap of 1000.0000 TWD by 234.5000 TWD.',
  ],
  suggestions: [
    { kind: 'trim', maxRecipients: 9500, messages: 9500, cost: '1000.0000', currency: 'TWD' },
    {
      kind: 'plan',
      plan: 'high',
      monthlyCost: '1800.0000',
      currency: 'TWD',
      projectedMessages: 13500,
      currentPlanMonthlyCost: null,
    },
    { kind: 'next_month', month: '2027-01', cost: '0.0000', currency: 'TWD', verdict: 'ok', verdicts: [] },
  ],
  rateCard: { id: 'r1', region: 'TW', plan: 'medium', verified: false, source: 'LINE price list' },
} as Forecast;

describe('ForecastPanel', () => {
  it("shows the API's figures as it gave them: recipients, free and paid, money, bands, verdicts and every reason", () => {
    render(<ForecastPanel forecast={forecast} timeZone="Asia/Taipei" />);
    const panel = screen.getByTestId('forecast-panel');
    expect(within(panel).getAllByText('12,000')).toHaveLength(2); // recipients and messages
    expect(within(panel).getByText('4,500')).toBeTruthy();
    expect(within(panel).getByText('7,400')).toBeTruthy();
    expect(screen.getByTestId('forecast-cost').textContent).toBe('NT$1,234.50');
    expect(screen.queryByTestId('forecast-cost-this-month')).toBeNull();
    expect(screen.getByTestId('verdict').textContent).toBe('Over budget');
    expect(within(panel).getByText('LINE figures unknown')).toBeTruthy();
    const bands = within(screen.getByRole('table', { name: 'Cost by price band' })).getAllByRole('row');
    expect(bands.slice(1).map((row) => row.textContent)).toEqual([
      '1 – 5,000NT$0.205,000NT$1,000.00',
      '5,001 – 7,400NT$0.09782,400NT$234.50',
    ]);
    expect(
      within(screen.getByTestId('forecast-reasons'))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(forecast.reasons);
    expect(within(panel).getByText('2026-12-01 18:00 GMT+08:00')).toBeTruthy();
    expect(within(panel).getByText('NT$0.00')).toBeTruthy(); // left under the cap, as the API said
  });

  it('applies a suggestion with one click, and disables the ones this person may not apply, saying why', async () => {
    const user = userEvent.setup({ delay: null });
    const onApply = vi.fn();
    render(
      <ForecastPanel
        forecast={forecast}
        timeZone="Asia/Taipei"
        onApply={onApply}
        cannotApply={(s) => (s.kind === 'plan' ? 'An admin changes the plan.' : null)}
      />,
    );
    expect(screen.getByText('Send to 9,500 recipients: NT$1,000.00')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Trim the audience' }));
    expect(onApply).toHaveBeenCalledWith(forecast.suggestions[0]);
    const plan = screen.getByRole('button', { name: 'Change to this plan' }) as HTMLButtonElement;
    expect(plan.disabled).toBe(true);
    expect(screen.getByText('An admin changes the plan.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Move to next month' }));
    expect(onApply).toHaveBeenLastCalledWith(forecast.suggestions[2]);
    expect(onApply).toHaveBeenCalledTimes(2);
  });

  it('shows both parts of a deferred send and offers deferring with the money it saves, in one click', async () => {
    const user = userEvent.setup({ delay: null });
    const onApply = vi.fn();
    type Part = Extract<Suggestion, { kind: 'defer' }>['now'];
    const part = (fields: Pick<Part, 'recipients' | 'messages' | 'cost' | 'month' | 'at'> & Partial<Part>): Part => ({
      freeMessages: 0,
      paidMessages: 0,
      currency: 'TWD',
      verdict: 'ok',
      verdicts: [],
      ...fields,
    });
    const defer = {
      kind: 'defer' as const,
      now: part({
        recipients: 4500,
        messages: 4500,
        freeMessages: 4500,
        cost: '0.0000',
        month: '2026-12',
        at: '2026-12-01T10:00:00.000Z',
      }),
      later: part({
        recipients: 7500,
        messages: 7500,
        freeMessages: 3000,
        paidMessages: 4500,
        cost: '440.1000',
        month: '2027-01',
        at: '2026-12-31T16:00:00.000Z',
      }),
      saves: '794.4000',
      currency: 'TWD',
      priority: { attribute: 'points', order: 'desc' },
    };
    const deferred = { ...forecast, deferral: defer, suggestions: [defer, ...forecast.suggestions] } as Forecast;
    render(<ForecastPanel forecast={deferred} timeZone="Asia/Taipei" onApply={onApply} />);
    // What this month pays is the part that goes now; the forecast's cost is all of them sent now.
    expect(screen.getByTestId('forecast-cost-this-month').textContent).toBe('NT$0.00');
    expect(screen.getByText('This month pays')).toBeTruthy();
    expect(screen.getByText('Cost if all sent now')).toBeTruthy();
    expect(screen.getByTestId('forecast-cost').textContent).toBe('NT$1,234.50');
    const parts = within(screen.getByTestId('deferral'));
    expect(
      parts.getByText(/4,500 recipients, 4,500 free and 0 paid messages, NT\$0\.00, 2026-12-01 18:00/),
    ).toBeTruthy();
    expect(
      parts.getByText(/7,500 recipients, 3,000 free and 4,500 paid messages, NT\$440\.10, 2027-01-01 00:00/),
    ).toBeTruthy();
    expect(
      screen.getByText(
        'Send 4,500 recipients now for NT$0.00 and the other 7,500 at the reset (2027-01) for NT$440.10: saves NT$794.40',
      ),
    ).toBeTruthy();
    // The campaign's deferPriority, as the API read it.
    expect(screen.getByTestId('deferral-priority').textContent).toBe('The highest points first');
    await user.click(screen.getByRole('button', { name: 'Defer the paid part to the reset' }));
    expect(onApply).toHaveBeenCalledWith(defer);
  });

  it('says when the campaign changed since the forecast, and asks to save before there is one', () => {
    const { rerender } = render(<ForecastPanel forecast={undefined} timeZone="Asia/Taipei" />);
    expect(screen.getByText('Save the campaign to see its forecast.')).toBeTruthy();
    rerender(<ForecastPanel forecast={forecast} timeZone="Asia/Taipei" stale />);
    expect(screen.getByText('Edited since this forecast: save to forecast again.')).toBeTruthy();
  });

  it("says which send a draft's forecast is of, and the API's problems with the draft above the last figures", () => {
    render(
      <ForecastPanel
        forecast={forecast}
        timeZone="Asia/Taipei"
        sendAt="2026-12-03T01:30:00.000Z"
        updating
        problems={[{ field: 'schedule.until', problem: 'is required' }]}
      />,
    );
    expect(screen.getByTestId('forecast-send-at').textContent).toBe('2026-12-03 09:30 GMT+08:00');
    expect(screen.getByTestId('forecast-problems').textContent).toContain('schedule.until: is required');
    expect(screen.getByTestId('forecast-updating').textContent).toBe('Updating…');
    expect(screen.getByTestId('forecast-cost').textContent).toBe('NT$1,234.50');
  });
});
