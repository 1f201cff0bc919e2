import { afterEach, describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { render, screen } from '@testing-library/react';
import type { Schemas } from '../api/client';
import { AbTestResultsView, AbTestVariants, CampaignPreview } from './AbTestView';

const TWD = (amount: string) => ({ amount, currency: 'TWD' });

function run(fields: Partial<Schemas['RunResultsDto']>): Schemas['RunResultsDto'] {
  return {
    runId: fields.variant ?? 'rest',
    campaignId: 'c',
    status: 'completed',
    startedAt: '2026-12-01T02:00:00.000Z',
    aggregationUnit: 'lcm_x',
    note: null,
    readAt: null,
    updatesUntil: null,
    readings: [],
    delivered: 100,
    uniqueImpressions: { value: null, belowThreshold: false },
    uniqueClicks: { value: null, belowThreshold: false },
    uniqueMediaPlayed: { value: null, belowThreshold: false },
    rates: { uniqueImpressionRate: null, uniqueClickRate: null, uniqueMediaPlayedRate: null },
    cost: { forecast: TWD('0'), approved: TWD('0'), actual: TWD('0'), difference: TWD('0') },
    costPer: { thousandDelivered: null, uniqueImpression: null, uniqueClick: null },
    abPart: 'variant',
    variant: null,
    variantName: null,
    ...fields,
  } as Schemas['RunResultsDto'];
}

describe('A/B test views', () => {
  afterEach(() => i18next.changeLanguage('en'));

  it("lists the variants with the test's settings", () => {
    render(
      <AbTestVariants
        variants={[
          { name: 'Plain text', messages: [{ type: 'text', text: 'Winter sale' }] },
          { name: 'Coupon', messages: [{ type: 'template', altText: 'Coupon button' }] },
        ]}
        abTest={{ testShare: 20, metric: 'unique_click_rate', waitMinutes: 240, undecided: 'none' }}
      />,
    );
    expect(screen.getByTestId('ab-test-variants').textContent).toContain('20% of the recipients');
    expect(screen.getByText('Plain text')).toBeTruthy();
    expect(screen.getByText('Coupon button')).toBeTruthy();
  });

  it('shows each variant, the rest and the winner', () => {
    render(
      <AbTestResultsView
        abTest={{
          testRunId: 'a',
          metric: 'unique_click_rate',
          testShare: 20,
          outcome: 'winner',
          winner: 'B',
          decision: { summary: 'variant B wins by unique_click_rate' },
          variants: [
            run({ variant: 'A', variantName: 'Plain text', rates: { uniqueClickRate: '0.3000' } as never }),
            run({ variant: 'B', variantName: 'Coupon', rates: { uniqueClickRate: '0.4500' } as never }),
          ],
          remainder: run({ runId: 'r', variant: 'B', abPart: 'remainder', delivered: 800 }),
        }}
        countText={() => '—'}
        rateText={(rate) => rate ?? '—'}
      />,
    );
    const text = screen.getByTestId('ab-test-results').textContent!;
    expect(text).toContain('Variant B went to the rest');
    expect(text).toContain('0.4500');
    expect(text).toContain('B to the rest');
    expect(text).toContain('800');
  });

  it('says a test cancelled before its decision is cancelled, not waiting, in en and zh-TW', async () => {
    const cancelled: Schemas['AbTestResultsDto'] = {
      testRunId: 'a',
      metric: 'unique_click_rate',
      testShare: 10,
      outcome: 'cancelled',
      winner: null,
      decision: null,
      variants: [run({ variant: 'A' }), run({ variant: 'B' })],
      remainder: null,
    };
    const view = render(<AbTestResultsView abTest={cancelled} countText={() => '—'} rateText={(r) => r ?? '—'} />);
    expect(screen.getByTestId('ab-test-results').textContent).toContain(
      'Cancelled before the decision: the rest got nothing.',
    );
    view.unmount();
    await i18next.changeLanguage('zh-TW');
    render(<AbTestResultsView abTest={cancelled} countText={() => '—'} rateText={(r) => r ?? '—'} />);
    expect(screen.getByTestId('ab-test-results').textContent).toContain('判定前已取消：未發送給其餘對象。');
  });

  it("previews each variant's messages, labelled, and the test's settings in words for an approver", async () => {
    const campaign = {
      messages: [],
      variants: [
        { name: 'Plain text', messages: [{ type: 'text', text: 'Winter sale: 20% off' }] },
        { name: 'Second try', messages: [{ type: 'text', text: 'Winter sale: last day' }] },
      ],
      abTest: { testShare: 20, metric: 'unique_click_rate' as const, waitMinutes: 240, undecided: 'none' as const },
    };
    const view = render(<CampaignPreview campaign={campaign} accountName="Shop" />);
    const previews = screen.getAllByTestId('variant-preview').map((p) => p.textContent);
    expect(previews).toHaveLength(2);
    expect(previews[0]).toContain('Variant A: Plain text');
    expect(previews[0]).toContain('Winter sale: 20% off');
    expect(previews[1]).toContain('Variant B: Second try');
    expect(previews[1]).toContain('Winter sale: last day');
    const settings = screen.getByTestId('ab-test-settings').textContent!;
    expect(settings).toContain('20% of the recipients get a variant');
    expect(settings).toContain('240 minutes');
    expect(settings).not.toContain('{');
    view.unmount();
    await i18next.changeLanguage('zh-TW');
    render(<CampaignPreview campaign={campaign} accountName="Shop" />);
    expect(screen.getAllByTestId('variant-preview')[0].textContent).toContain('A 版本：Plain text');
  });

  it('previews plain messages as before', () => {
    render(
      <CampaignPreview
        campaign={{ messages: [{ type: 'text', text: 'Hello' }], variants: null, abTest: null }}
        accountName="Shop"
      />,
    );
    expect(screen.queryByTestId('variant-previews')).toBeNull();
    expect(screen.getByText('Hello')).toBeTruthy();
  });

  const undecided = {
    outcome: 'variant_a',
    winner: 'A',
    reason: 'below_threshold',
    metric: 'unique_click_rate',
    margin: '0.01',
    undecided: 'variant_a',
    figures: [
      { variant: 'A', rate: null },
      { variant: 'B', rate: '0.0500' },
    ],
    lineUnavailable: null,
    summary: 'undecided (below_threshold: A fewer than 20, B 0.0500; margin 0.01): rule variant_a → variant A',
  };
  const renderDecision = (decision: Record<string, unknown>, outcome: 'variant_a' | 'winner' = 'variant_a') =>
    render(
      <AbTestResultsView
        abTest={{
          testRunId: 'a',
          metric: 'unique_click_rate',
          testShare: 20,
          outcome,
          winner: 'A',
          decision,
          variants: [run({ variant: 'A' }), run({ variant: 'B' })],
          remainder: null,
        }}
        countText={() => '—'}
        rateText={(rate) => (rate === null ? '—' : `${Number(rate) * 100}%`)}
      />,
    );

  it("words the decision from its fields, not the API's English summary, with a capitalised column header", () => {
    renderDecision(undecided);
    const text = screen.getByTestId('ab-test-results').textContent!;
    expect(text).toContain(
      'Undecided (a variant has fewer than 20: A fewer than 20, B 5%; margin 1%): rule “send variant A” → variant A went to the rest',
    );
    expect(text).not.toContain('below_threshold');
    expect(screen.getByRole('columnheader', { name: 'Unique clicks' })).toBeTruthy();
    expect(screen.queryByRole('columnheader', { name: 'unique click rate' })).toBeNull();
  });

  it('words a winner and a decision LINE could not be read for, and all of it in zh-TW', async () => {
    const { unmount } = renderDecision(
      {
        ...undecided,
        outcome: 'winner',
        winner: 'B',
        reason: null,
        figures: [
          { variant: 'A', rate: '0.0300' },
          { variant: 'B', rate: '0.0500' },
        ],
      },
      'winner',
    );
    expect(screen.getByTestId('ab-test-results').textContent).toContain(
      'Variant B wins by unique click rate (A 3%, B 5%; margin 1%)',
    );
    unmount();
    await i18next.changeLanguage('zh-TW');
    const zh = renderDecision(undecided);
    const text = screen.getByTestId('ab-test-results').textContent!;
    expect(text).toContain(
      '無法判定（有版本少於 20：A 少於 20、B 5%；差距門檻 1%）：規則「發送 A 版本」→ 其餘對象收到 A 版本',
    );
    expect(text).not.toMatch(/undecided|below_threshold|rule variant_a/);
    expect(screen.getByRole('columnheader', { name: '不重複點擊數' })).toBeTruthy();
    zh.unmount();
    renderDecision({ ...undecided, reason: 'line_unavailable', lineUnavailable: { attempts: 3, lastError: '503' } });
    expect(screen.getByTestId('ab-test-results').textContent).toContain(
      '無法讀取 LINE 的統計數據（嘗試 3 次，最後一次：503），無法判定勝出版本：規則「發送 A 版本」→ 其餘對象收到 A 版本',
    );
  });
});
