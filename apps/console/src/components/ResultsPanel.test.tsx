import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import type { CampaignResults } from '../api/types';
import { ResultFigures } from './ResultsPanel';

const TWD = (amount: string) => ({ amount, currency: 'TWD' });

// The total as GET /campaigns/:id/results gives it: clicks below LINE's threshold.
const total: CampaignResults['total'] = {
  delivered: 100,
  uniqueImpressions: { value: 42, belowThreshold: false },
  uniqueClicks: { value: null, belowThreshold: true },
  uniqueMediaPlayed: { value: null, belowThreshold: true, atLeast: 30 },
  rates: { uniqueImpressionRate: '0.4200', uniqueClickRate: null, uniqueMediaPlayedRate: null },
  cost: { forecast: TWD('10.0000'), approved: TWD('10.0000'), actual: TWD('10.0000'), difference: TWD('0.0000') },
  costPer: { thousandDelivered: TWD('100.0000'), uniqueImpression: TWD('0.2381'), uniqueClick: null },
};

describe('ResultFigures', () => {
  it('shows "fewer than 20" for a count LINE withheld, never 0, and no rate or cost per click from it', () => {
    render(<ResultFigures figures={total} label="All runs" />);
    expect(screen.getByText('Unique clicks').closest('tr')!.textContent).toContain('fewer than 20 · —');
    expect(screen.getByText('Unique impressions').closest('tr')!.textContent).toContain('42 · 42%');
    expect(screen.getByText('Unique media played').closest('tr')!.textContent).toContain('at least 30');
    expect(screen.getByText('Cost per unique impression').closest('tr')!.textContent).toContain('NT$0.2381');
    expect(screen.getByText('Cost per unique click').closest('tr')!.textContent).toContain('—');
    expect(screen.getByText('Cost per 1,000 delivered').closest('tr')!.textContent).toContain('NT$100.00');
  });
});
