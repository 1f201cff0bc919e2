import { DEFAULT_RATE_CARDS, RateCard } from '../pricing';
import { computeForecast } from './compute-forecast';
import { approvalLapsed, costPastApproval } from './reasons';
import { DeferPart, ForecastInput } from './forecast.types';

const twCards = DEFAULT_RATE_CARDS.filter((card) => card.region === 'TW');
const twPlan = (plan: string) => twCards.find((card) => card.plan === plan)!;

/** A fresh November on the given plan: nothing used, reserved or spent; no caps. */
function input(overrides: Partial<ForecastInput> & { used?: number } = {}): ForecastInput {
  const { used = 0, ...rest } = overrides;
  return {
    month: '2026-11',
    recipients: 100,
    messageObjects: 1,
    rateCard: twPlan('high'),
    regionCards: twCards,
    quota: {
      lineQuota: { type: 'none' },
      lineConsumption: null,
      ledgerUsed: used,
      reserved: 0,
      headroom: 0,
      fresh: true,
    },
    budget: { monthlyCap: null, spentThisMonth: '0', reservedThisMonth: '0' },
    costCap: null,
    additionalMessageCap: null,
    ...rest,
  };
}

/** A defer plan's part with one message object per recipient, ok, and no dates unless given. */
function part(fields: { recipients: number; freeMessages: number; month: string } & Partial<DeferPart>): DeferPart {
  return {
    messages: fields.recipients,
    paidMessages: 0,
    cost: '0.0000',
    currency: 'TWD',
    at: null,
    verdict: 'ok',
    verdicts: [],
    ...fields,
  };
}

describe('computeForecast: worked examples of the arithmetic in docs/domain.md (Taiwan)', () => {
  it('light plan, 150 used, 100 recipients → over_plan_limit with 50 free; trim to 50; medium suggested', () => {
    const forecast = computeForecast(input({ rateCard: twPlan('light'), used: 150, recipients: 100 }));
    expect(forecast).toMatchObject({
      messages: 100,
      quota: { free: 200, used: 150, remainingFree: 50, source: 'ledger' },
      freeMessages: 50,
      paidMessages: 50,
      cost: { amount: '0.0000', currency: 'TWD', bands: [] },
      verdict: 'over_plan_limit',
      verdicts: ['over_plan_limit'],
    });
    expect(forecast.suggestions).toEqual([
      { kind: 'trim', maxRecipients: 50, messages: 50, cost: '0.0000', currency: 'TWD' },
      // The plan can't buy: deferring saves nothing, but sends the other 50 free in December.
      {
        kind: 'defer',
        now: part({ recipients: 50, freeMessages: 50, month: '2026-11' }),
        later: part({ recipients: 50, freeMessages: 50, month: '2026-12' }),
        saves: '0.0000',
        currency: 'TWD',
      },
      {
        kind: 'plan',
        plan: 'medium',
        monthlyCost: '800.0000',
        currency: 'TWD',
        projectedMessages: 250,
        currentPlanMonthlyCost: null,
      },
      { kind: 'next_month', month: '2026-12', at: null, cost: '0.0000', currency: 'TWD', verdict: 'ok', verdicts: [] },
    ]);
    expect(forecast.reasons.join('\n')).toContain('the light plan cannot buy additional messages');
  });

  it('high plan, 5,000 used, 12,000 recipients at 0.2 → 1,000 free, 11,000 paid, 2200.0000', () => {
    const forecast = computeForecast(input({ used: 5000, recipients: 12_000 }));
    expect(forecast).toMatchObject({
      quota: { free: 6000, used: 5000, remainingFree: 1000, paidSoFar: 0 },
      freeMessages: 1000,
      paidMessages: 11_000,
      cost: {
        amount: '2200.0000',
        bands: [{ from: 1, to: 11_000, unitPrice: '0.2', messages: 11_000, amount: '2200.0000' }],
      },
      verdict: 'ok',
      rateCard: { region: 'TW', plan: 'high', verified: false },
    });
    expect(forecast.reasons.join('\n')).toContain('unverified rate card TW high');
  });

  it("the API's example forecast: 1,500 used, 12,000 recipients, cap 2000 → 1500.0000, 500.0000 left", () => {
    const forecast = computeForecast(
      input({
        used: 1500,
        recipients: 12_000,
        budget: { monthlyCap: '2000', spentThisMonth: '0', reservedThisMonth: '0' },
      }),
    );
    expect(forecast).toMatchObject({
      quota: { free: 6000, used: 1500, reserved: 0, headroom: 0, remainingFree: 4500 },
      freeMessages: 4500,
      paidMessages: 7500,
      cost: {
        amount: '1500.0000',
        currency: 'TWD',
        bands: [{ from: 1, to: 7500, unitPrice: '0.2', messages: 7500, amount: '1500.0000' }],
      },
      budget: {
        monthlyCap: '2000.0000',
        spentThisMonth: '0.0000',
        reservedThisMonth: '0.0000',
        remainingAfter: '500.0000',
        overBy: '0.0000',
      },
      verdict: 'ok',
    });
    // Fits, and costs money: deferring (4,500 free now, 7,500 at the reset: 6,000 free + 1,500 × 0.2)
    // saves 1,200; next month (a fresh 6,000 free) is offered; no trim, high is already cheapest.
    expect(forecast.suggestions).toEqual([
      {
        kind: 'defer',
        now: part({ recipients: 4500, freeMessages: 4500, month: '2026-11' }),
        later: part({ recipients: 7500, freeMessages: 6000, paidMessages: 1500, cost: '300.0000', month: '2026-12' }),
        saves: '1200.0000',
        currency: 'TWD',
      },
      {
        kind: 'next_month',
        month: '2026-12',
        at: null,
        cost: '1200.0000',
        currency: 'TWD',
        verdict: 'ok',
        verdicts: [],
      },
    ]);
  });

  it('over the monthly cap: trims to exactly the count that fits', () => {
    const forecast = computeForecast(
      input({
        used: 5000,
        recipients: 12_000,
        budget: { monthlyCap: '2000', spentThisMonth: '0', reservedThisMonth: '0' },
      }),
    );
    expect(forecast.verdict).toBe('over_budget');
    expect(forecast.budget).toMatchObject({ remainingAfter: '0.0000', overBy: '200.0000' });
    // 1,000 free + 10,000 × 0.2 = 2,000 exactly; one more recipient costs 2,000.2.
    expect(forecast.suggestions[0]).toEqual({
      kind: 'trim',
      maxRecipients: 11_000,
      messages: 11_000,
      cost: '2000.0000',
      currency: 'TWD',
    });
  });

  it('under policy trim, says what the gate does: sends the part that fits (verdict ok), the rest left out', () => {
    const over = input({
      used: 5000,
      recipients: 12_000,
      budget: { monthlyCap: '2000', spentThisMonth: '0', reservedThisMonth: '0' },
    });
    const block = computeForecast(over);
    const trim = computeForecast({ ...over, overBudgetPolicy: 'trim' });
    // The whole audience's figures stay; the verdict and the reasons are the gate's decision.
    expect(trim).toMatchObject({ recipients: 12_000, paidMessages: block.paidMessages, cost: block.cost });
    expect(trim).toMatchObject({ verdict: 'ok', verdicts: [], blockReasons: [] });
    expect(trim.trim).toEqual({
      recipients: 11_000,
      leftOut: 1_000,
      messages: 11_000,
      freeMessages: 1_000,
      paidMessages: 10_000,
      cost: '2000.0000',
      currency: 'TWD',
      wouldBlock: block.blockReasons,
    });
    const line =
      'Policy trim: all 12,000 would be refused (over_budget: ' +
      block.blockReasons[0].message +
      '), so the gate sends to the 11,000 that fit (11,000 messages, 2000.0000 TWD) and leaves out the other 1,000.';
    expect(trim.reasons).toContain(line);
    expect(trim.reasons).not.toContain(block.blockReasons[0].message);
    expect(trim.warnings).toContain(line);
    // Nothing to trim when the whole send fits, or when nothing fits (the gate blocks then).
    expect(computeForecast({ ...over, recipients: 100, overBudgetPolicy: 'trim' }).trim).toBeNull();
    const nothingFits = computeForecast(
      input({
        used: 6000,
        recipients: 12_000,
        budget: { monthlyCap: '0.1', spentThisMonth: '0', reservedThisMonth: '0' },
        overBudgetPolicy: 'trim',
      }),
    );
    expect(nothingFits).toMatchObject({ verdict: 'over_budget', trim: null });
    expect(block.trim).toBeNull();
  });

  it('a verified multi-band card splits one send across its bands', () => {
    const banded: RateCard = {
      ...twPlan('high'),
      tiers: [
        { upTo: 1000, unitPrice: '0.2' },
        { upTo: 5000, unitPrice: '0.15' },
        { upTo: null, unitPrice: '0.1' },
      ],
      verified: true,
      source: 'test card',
    };
    // 6,500 used → positions 1 … 500 taken; this send takes 501 … 5,500.
    const forecast = computeForecast(input({ rateCard: banded, used: 6500, recipients: 5000 }));
    expect(forecast.cost).toEqual({
      amount: '750.0000',
      currency: 'TWD',
      bands: [
        { from: 501, to: 1000, unitPrice: '0.2', messages: 500, amount: '100.0000' },
        { from: 1001, to: 5000, unitPrice: '0.15', messages: 4000, amount: '600.0000' },
        { from: 5001, to: 5500, unitPrice: '0.1', messages: 500, amount: '50.0000' },
      ],
    });
    // The 500 positions already used cost 100 at the card's prices, even with an empty ledger.
    expect(forecast.budget.spentThisMonth).toBe('100.0000');
    expect(forecast.reasons.join('\n')).not.toContain('unverified');
  });
});

describe('computeForecast: quota sources and LINE caps', () => {
  it('takes used as the larger of the LINE reading plus later sends and the ledger', () => {
    const quota = {
      lineQuota: null,
      lineConsumption: { totalUsage: 5200, sentAfterReading: 300 },
      ledgerUsed: 5000,
      reserved: 0,
      headroom: 0,
      fresh: true,
    };
    expect(computeForecast(input({ quota })).quota).toMatchObject({ used: 5500, source: 'line' });
    expect(computeForecast(input({ quota: { ...quota, ledgerUsed: 5600 } })).quota).toMatchObject({
      used: 5600,
      source: 'line',
    });
  });

  it('reserves other runs and headroom before this send', () => {
    const quota = {
      lineQuota: null,
      lineConsumption: null,
      ledgerUsed: 4000,
      reserved: 1500,
      headroom: 1000,
      fresh: true,
    };
    const forecast = computeForecast(input({ quota, recipients: 1000 }));
    expect(forecast).toMatchObject({
      quota: { remainingFree: 0, paidSoFar: 500 },
      freeMessages: 0,
      paidMessages: 1000,
    });
    expect(forecast.cost.bands[0]).toMatchObject({ from: 501, to: 1500 });
  });

  it('reads LINE quota value as free + the additional cap set at LINE', () => {
    const quota = {
      lineQuota: { type: 'limited' as const, value: 7000 },
      lineConsumption: null,
      ledgerUsed: 6500,
      reserved: 0,
      headroom: 0,
      fresh: true,
    };
    const forecast = computeForecast(input({ quota, recipients: 1000 }));
    expect(forecast).toMatchObject({
      quota: { free: 6000, lineLimit: 7000, additionalCap: 1000 },
      paidMessages: 1000,
      verdict: 'over_line_cap',
    });
    expect(forecast.suggestions[0]).toMatchObject({ kind: 'trim', maxRecipients: 500 });
  });

  it("uses LINE's value as the free quota where it is lower than the plan's", () => {
    const quota = {
      lineQuota: { type: 'limited' as const, value: 2500 },
      lineConsumption: null,
      ledgerUsed: 2000,
      reserved: 0,
      headroom: 0,
      fresh: true,
    };
    const forecast = computeForecast(input({ rateCard: twPlan('medium'), quota, recipients: 600 }));
    expect(forecast).toMatchObject({
      quota: { free: 2500, remainingFree: 500 },
      freeMessages: 500,
      paidMessages: 100,
      verdict: 'over_plan_limit',
    });
  });

  it("applies the account's configured cap when it is below LINE's", () => {
    const forecast = computeForecast(input({ used: 6000, recipients: 300, additionalMessageCap: 200 }));
    expect(forecast).toMatchObject({ quota: { additionalCap: 200 }, verdict: 'over_line_cap' });
  });

  it('counts ceil(objects / 5) requests per recipient', () => {
    expect(computeForecast(input({ messageObjects: 5 }))).toMatchObject({ requestsPerRecipient: 1, messages: 100 });
    expect(computeForecast(input({ messageObjects: 6 }))).toMatchObject({ requestsPerRecipient: 2, messages: 200 });
    expect(computeForecast(input({ messageObjects: 11 }))).toMatchObject({ requestsPerRecipient: 3, messages: 300 });
  });
});

describe('computeForecast: verdicts', () => {
  it('holds a send on stale figures while a cap applies, with no trim on offer', () => {
    const stale = { lineQuota: null, lineConsumption: null, ledgerUsed: 0, reserved: 0, headroom: 0, fresh: false };
    const forecast = computeForecast(input({ rateCard: twPlan('light'), quota: stale, recipients: 10 }));
    expect(forecast).toMatchObject({ verdict: 'quota_unknown', quota: { source: 'ledger', fresh: false } });
    expect(forecast.suggestions.map((suggestion) => suggestion.kind)).not.toContain('trim');
    // The high plan with no cap of any kind has nothing to protect: stale figures do not hold it.
    expect(computeForecast(input({ quota: stale, recipients: 10 })).verdict).toBe('ok');
  });

  it("blocks a send over the campaign's own cost cap", () => {
    const forecast = computeForecast(input({ used: 6000, recipients: 1000, costCap: '100' }));
    expect(forecast).toMatchObject({ verdict: 'over_budget', cost: { amount: '200.0000' } });
    expect(forecast.suggestions[0]).toMatchObject({ kind: 'trim', maxRecipients: 500 });
  });

  it('reports every cap passed, the most severe as the verdict', () => {
    const quota = {
      lineQuota: { type: 'limited' as const, value: 6500 },
      lineConsumption: null,
      ledgerUsed: 6000,
      reserved: 0,
      headroom: 0,
      fresh: false,
    };
    const forecast = computeForecast(
      input({ quota, recipients: 1000, budget: { monthlyCap: '50', spentThisMonth: '0', reservedThisMonth: '0' } }),
    );
    expect(forecast.verdicts).toEqual(['over_line_cap', 'over_budget', 'quota_unknown']);
    expect(forecast.verdict).toBe('over_line_cap');
  });

  it('gives one block reason per verdict, in words without its code, naming the call that clears it', () => {
    const quota = {
      lineQuota: { type: 'limited' as const, value: 6500 },
      lineConsumption: null,
      ledgerUsed: 6000,
      reserved: 0,
      headroom: 0,
      fresh: false,
    };
    const forecast = computeForecast(
      input({
        quota,
        recipients: 1000,
        costCap: '100',
        budget: { monthlyCap: '50', spentThisMonth: '0', reservedThisMonth: '0' },
      }),
    );
    expect(forecast.blockReasons.map((reason) => [reason.code, reason.clearedBy])).toEqual([
      ['over_line_cap', 'PATCH /line-accounts/:id'],
      ['over_budget', 'PATCH /line-accounts/:id and POST /campaigns/:id/withdraw'],
      ['quota_unknown', 'POST /line-accounts/:id/quota-sync'],
    ]);
    // The campaign's own cap alone is changed on the campaign.
    expect(computeForecast(input({ used: 6000, recipients: 1000, costCap: '100' })).blockReasons).toEqual([
      expect.objectContaining({ code: 'over_budget', clearedBy: 'POST /campaigns/:id/withdraw' }),
    ]);
    // The same reasons as codes with their figures: the over_budget reason's two parts apart.
    expect(forecast.blockReasons[1].details).toEqual([
      {
        code: 'over_budget.monthly',
        params: {
          spent: '0.0000',
          reserved: '0.0000',
          cost: '200.0000',
          after: '200.0000',
          cap: '50.0000',
          over: '150.0000',
          currency: 'TWD',
        },
        text: expect.stringContaining('past the monthly budget'),
      },
      {
        code: 'over_budget.cost_cap',
        params: { cost: '200.0000', costCap: '100.0000', currency: 'TWD' },
        text: expect.stringContaining("the campaign's cost cap"),
      },
    ]);
    expect(forecast.reasonDetails.map((detail) => detail.code)).toEqual([
      'messages',
      'quota.plan.ledger',
      'split.paid',
      'rate_card.unverified',
      'over_line_cap',
      'over_budget.monthly',
      'over_budget.cost_cap',
      'quota_unknown',
    ]);
    // Every English reason is the text of its details, in order.
    expect(forecast.reasonDetails.map((detail) => detail.text).join(' ')).toBe(forecast.reasons.join(' '));
    const budget = forecast.blockReasons[1].message;
    // Both money caps passed: the one over_budget reason says both, with the figures.
    expect(budget).toContain('past the monthly budget of 50.0000 TWD by 150.0000 TWD');
    expect(budget).toContain("more than the campaign's cost cap of 100.0000 TWD");
    for (const reason of forecast.blockReasons) {
      expect(reason.message).not.toMatch(/^(over|quota)[_ ]/i);
      expect(forecast.reasons).toContain(reason.message);
    }
    expect(computeForecast(input({ recipients: 10 })).blockReasons).toEqual([]);
  });

  it("warns without blocking: an unverified rate card's prices, and stale figures under no cap", () => {
    const stale = { lineQuota: null, lineConsumption: null, ledgerUsed: 6000, reserved: 0, headroom: 0, fresh: false };
    const forecast = computeForecast(input({ quota: stale, recipients: 10 }));
    expect(forecast.verdict).toBe('ok');
    expect(forecast.warnings).toEqual([
      expect.stringContaining('unverified rate card TW high'),
      expect.stringContaining('no cap applies, so the figures above are a lower bound'),
    ]);
  });

  it('needs a new approval when the cost grew past the approved one by more than the tolerance', () => {
    const check = (cost: string) =>
      costPastApproval({ cost, currency: 'TWD', approvedCost: '100', tolerancePercent: 10 });
    expect(check('110.0000')).toBeNull();
    expect(check('110.0001')).toEqual({
      code: 'needs_reapproval',
      message: expect.stringContaining('more than the approved 100.0000 plus 10% (110.0000)'),
      clearedBy: 'POST /campaigns/:id/submit',
      details: [
        {
          code: 'needs_reapproval.cost',
          params: { cost: '110.0001', approved: '100.0000', tolerance: 10, limit: '110.0000', currency: 'TWD' },
          text: expect.stringContaining('more than the approved'),
        },
      ],
    });
    expect(approvalLapsed()).toMatchObject({ code: 'needs_reapproval', clearedBy: 'POST /campaigns/:id/submit' });
  });

  it('counts spend and reservations of other runs against the monthly cap', () => {
    const forecast = computeForecast(
      input({
        used: 6000,
        recipients: 1000,
        budget: { monthlyCap: '500', spentThisMonth: '250', reservedThisMonth: '100' },
      }),
    );
    expect(forecast).toMatchObject({ verdict: 'over_budget', budget: { remainingAfter: '0.0000', overBy: '50.0000' } });
    expect(forecast.suggestions[0]).toMatchObject({ kind: 'trim', maxRecipients: 750 });
  });

  it('lets a free send through in a month already over its cap', () => {
    const forecast = computeForecast(
      input({ used: 0, recipients: 100, budget: { monthlyCap: '0', spentThisMonth: '10', reservedThisMonth: '0' } }),
    );
    expect(forecast.verdict).toBe('ok');
  });

  it("costs a scheduled send at next month's figures when given them", () => {
    const forecast = computeForecast(
      input({ used: 6000, recipients: 1000, nextMonth: { used: 5500, spentThisMonth: '0' }, costCap: '50' }),
    );
    expect(forecast.suggestions.find((suggestion) => suggestion.kind === 'next_month')).toEqual({
      kind: 'next_month',
      month: '2026-12',
      at: null,
      cost: '100.0000',
      currency: 'TWD',
      verdict: 'over_budget',
      verdicts: ['over_budget'],
    });
    expect(computeForecast(input({ used: 6000, nextMonth: null })).suggestions).toEqual([]);
  });

  it("suggests next month's 1st at 10:00 in the account's zone, as an instant", () => {
    const at = (timeZone: string) =>
      computeForecast(input({ used: 6000, recipients: 1000, timeZone })).suggestions.find(
        (suggestion) => suggestion.kind === 'next_month',
      );
    expect(at('Asia/Taipei')).toMatchObject({ month: '2026-12', at: '2026-12-01T02:00:00.000Z' });
    expect(at('America/New_York')).toMatchObject({ month: '2026-12', at: '2026-12-01T15:00:00.000Z' });
  });

  it('refuses malformed input', () => {
    expect(() => computeForecast(input({ recipients: -1 }))).toThrow(RangeError);
    expect(() => computeForecast(input({ month: '2026-13' }))).toThrow(RangeError);
    expect(() => computeForecast(input({ costCap: '1e3' }))).toThrow(RangeError);
  });
});
