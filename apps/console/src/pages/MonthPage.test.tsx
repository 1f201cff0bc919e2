import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import i18next from 'i18next';
import type { Usage } from '../api/types';
import { ProjectionLimits, monthChartOption, perDayText } from './MonthPage';

const usage = {
  budget: { amount: '500.00', currency: 'TWD' },
  projection: { limits: [{ kind: 'free_quota', projected: '6800', limit: '6000', percent: 113 }] },
} as unknown as Usage;

describe('month page figures', () => {
  it("keeps a limit's percent apart from its figures", () => {
    render(<ProjectionLimits usage={usage} />);
    const item = screen.getByLabelText('Free quota').closest('.ant-descriptions-item-content') as HTMLElement;
    expect(item.textContent).toMatch(/113%\s+6,800 \/ 6,000/);
    // Rendered apart, not only a text node a block element can swallow.
    expect(screen.getByText('6,800 / 6,000')).toBeTruthy();
  });

  it('formats the chart axis, bar labels and its text alternative', () => {
    const option = monthChartOption([['Free quota', 6000, '#000']], 'en');
    expect(option.xAxis.axisLabel.formatter(6000)).toBe('6,000');
    expect(option.series[0].label.formatter({ value: 12345 })).toBe('12,345');
    expect(option.ariaLabel).toBe('Free quota: 6,000');
  });

  it('writes messages a day as whole numbers, a decimal only below 10', async () => {
    expect(perDayText('0.00', 'en')).toBe('0');
    expect(perDayText('70.00', 'en')).toBe('70');
    expect(perDayText('1234.56', 'en')).toBe('1,235');
    expect(perDayText('2.46', 'en')).toBe('2.5');
    await i18next.changeLanguage('zh-TW');
    try {
      expect(perDayText('70.00', 'zh-TW')).toBe('70');
    } finally {
      await i18next.changeLanguage('en');
    }
  });
});
