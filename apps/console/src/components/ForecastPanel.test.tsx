import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Forecast } from '../api/types';
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

  it('says when the campaign changed since the forecast, and asks to save before there is one', () => {
    const { rerender } = render(<ForecastPanel forecast={undefined} timeZone="Asia/Taipei" />);
    expect(screen.getByText('Save the campaign to see its forecast.')).toBeTruthy();
    rerender(<ForecastPanel forecast={forecast} timeZone="Asia/Taipei" stale />);
    expect(screen.getByText('Edited since this forecast: save to forecast again.')).toBeTruthy();
  });
});
