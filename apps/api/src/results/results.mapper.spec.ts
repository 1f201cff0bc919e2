import type { CampaignRun, RunResultReading } from '@lcm/database';
import { Dec } from '@lcm/domain/money';
import { toRunResults, totalOf } from './results.mapper';

const run = (id: string, delivered: number, cost: string, unit: string | null): CampaignRun =>
  ({
    id,
    campaignId: 'c',
    status: 'completed',
    startedAt: new Date('2026-12-01T03:00:00Z'),
    aggregationUnit: unit,
    delivered,
    reservedCost: new Dec(cost),
    approvedCost: new Dec(cost),
    actualCost: new Dec(cost),
    abTestRunId: null,
    deferredFromRunId: null,
    trigger: 'send_now',
    variant: null,
  }) as unknown as CampaignRun;

const reading = (runId: string, uniqueImpression: number | null, uniqueClick: number | null): RunResultReading =>
  ({
    id: `${runId}-r`,
    runId,
    campaignId: 'c',
    aggregationUnit: `lcm_${runId}`,
    readAt: new Date('2026-12-01T05:00:00Z'),
    fromDate: '20261201',
    toDate: '20261201',
    uniqueImpression,
    uniqueClick,
    uniqueMediaPlayed: null,
    uniqueMediaPlayed100Percent: null,
  }) as RunResultReading;

describe('totalOf', () => {
  it('takes rates and costs per result only over the runs LINE has figures of, not runs without a unit or not read yet', () => {
    const views = [
      toRunResults(run('a', 100, '10', 'lcm_a'), [reading('a', 40, 25)], 'TWD', null),
      // Sent without a unit (the month's names were used up): no figures, ever.
      toRunResults(run('b', 300, '30', null), [], 'TWD', 'sent without one'),
      // Has a unit, not read yet.
      toRunResults(run('c', 50, '5', 'lcm_c'), [], 'TWD', null),
    ];
    const total = totalOf(views, 'TWD');
    expect(total.delivered).toBe(450);
    expect(total.cost.actual.amount).toBe('45.0000');
    expect(total.uniqueImpressions).toEqual({ value: 40, belowThreshold: false });
    expect(total.rates).toEqual({
      uniqueImpressionRate: '0.4000',
      uniqueClickRate: '0.2500',
      uniqueMediaPlayedRate: null,
    });
    expect(total.costPer).toEqual({
      thousandDelivered: { amount: '100.0000', currency: 'TWD' },
      uniqueImpression: { amount: '0.2500', currency: 'TWD' },
      uniqueClick: { amount: '0.4000', currency: 'TWD' },
    });
  });

  it('adds up the runs that have figures, and says nothing when a part is under 20', () => {
    const views = [
      toRunResults(run('a', 100, '10', 'lcm_a'), [reading('a', 40, 25)], 'TWD', null),
      toRunResults(run('d', 100, '20', 'lcm_d'), [reading('d', 60, null)], 'TWD', null),
    ];
    const total = totalOf(views, 'TWD');
    expect(total.rates.uniqueImpressionRate).toBe('0.5000');
    expect(total.costPer.uniqueImpression).toEqual({ amount: '0.3000', currency: 'TWD' });
    expect(total.uniqueClicks).toEqual({ value: null, belowThreshold: true, atLeast: 25 });
    expect(total.rates.uniqueClickRate).toBeNull();
    expect(total.costPer.uniqueClick).toBeNull();
  });

  it("counts an A/B test's forecast and approval once, as its first run carries them", () => {
    // The sandbox's test: the gate reserved NT$140 for the whole test at variant A's start; A and B
    // were free, the remainder's gate re-reserved 140 within the same approval and cost 140.
    const part = (id: string, trigger: string, variant: number, reserved: string, actual: string) =>
      ({
        ...run(id, 100, '140', `lcm_${id}`),
        reservedCost: new Dec(reserved),
        actualCost: new Dec(actual),
        abTestRunId: 'a',
        trigger,
        variant,
      }) as unknown as CampaignRun;
    const views = [
      toRunResults(part('a', 'send_now', 0, '140', '0'), [], 'TWD', null),
      toRunResults(part('b', 'ab_variant', 1, '0', '0'), [], 'TWD', null),
      toRunResults(part('r', 'ab_remainder', 1, '140', '140'), [], 'TWD', null),
    ];
    expect(totalOf(views, 'TWD').cost).toEqual({
      forecast: { amount: '140.0000', currency: 'TWD' },
      approved: { amount: '140.0000', currency: 'TWD' },
      actual: { amount: '140.0000', currency: 'TWD' },
      difference: { amount: '0.0000', currency: 'TWD' },
    });
  });

  it("counts a deferred campaign's approval once, and each part's forecast, as the rest carries the first run's approval", () => {
    // Policy defer: approved NT$140 for 100 messages; the first run's 40 fit the month (reserved 56),
    // the deferred rest's 60 reserve 84 at the reset, under the same approval.
    const part = (id: string, reserved: string, actual: string, deferredFromRunId: string | null) =>
      ({
        ...run(id, 50, '140', `lcm_${id}`),
        reservedCost: new Dec(reserved),
        actualCost: new Dec(actual),
        trigger: deferredFromRunId ? 'deferred' : 'schedule',
        deferredFromRunId,
      }) as unknown as CampaignRun;
    const views = [
      toRunResults(part('a', '56', '56', null), [], 'TWD', null),
      toRunResults(part('r', '84', '84', 'a'), [], 'TWD', null),
    ];
    expect(views[1].deferredFromRunId).toBe('a');
    expect(totalOf(views, 'TWD').cost).toEqual({
      forecast: { amount: '140.0000', currency: 'TWD' },
      approved: { amount: '140.0000', currency: 'TWD' },
      actual: { amount: '140.0000', currency: 'TWD' },
      difference: { amount: '0.0000', currency: 'TWD' },
    });
  });
});
