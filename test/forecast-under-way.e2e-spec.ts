import type { LineSimulatorHandle } from '@lcm/line-simulator';
import { bearer, TestApp } from './support/app';
import {
  approveCampaign,
  closeSimulatorAndApp,
  postCampaign,
  sendingScenario,
  SendingScenario,
  sendNow,
  simulatorAndApp,
  submitCampaign,
  waitForRun,
} from './support/dispatch-fixture';
import { TestClock } from './support/test-clock';

const FAST_DISPATCH = {
  DISPATCH_ENABLED: 'true',
  DISPATCH_POLL_MS: '50',
  DISPATCH_WORKERS: '2',
  DISPATCH_LEASE_SECONDS: '5',
  LINE_TIMEOUT_MS: '2000',
};
const FINISHED = ['completed', 'partial', 'failed', 'blocked', 'cancelled'];
const VARIANTS = [
  { name: 'Plain text', messages: [{ type: 'text', text: 'Winter sale: 20% off' }] },
  { name: 'With a coupon', messages: [{ type: 'text', text: 'Winter sale: 20% off with the code WINTER' }] },
];

interface ForecastBody {
  month: string;
  recipients: number;
  messages: number;
  freeMessages: number;
  paidMessages: number;
  cost: { amount: string };
  verdict: string;
  quota: { reserved: number };
  budget: { spentThisMonth: string; reservedThisMonth: string; remainingAfter: string | null };
  reasons: string[];
  reasonDetails: { code: string; params: Record<string, unknown> }[];
  suggestions: { kind: string }[];
  deferral: { now: { cost: string; recipients: number }; later: { cost: string; recipients: number } } | null;
}

/**
 * The forecast of a campaign whose send is under way says what it has still to send, as its own
 * gate will forecast it, not the whole audience again beside its own sends and reservation; and a
 * deferred send's forecast says what this month pays.
 */
describe('the forecast of a send under way, and of a deferred send', () => {
  // 20 November 2026, 10:00 in Taipei: the reset is 1 December 00:00 +08:00.
  const clock = new TestClock('2026-11-20T02:00:00Z');
  let t: TestApp;
  let sim: LineSimulatorHandle;

  beforeAll(
    async () =>
      ({ sim, t } = await simulatorAndApp('forecast-under-way-e2e', clock, FAST_DISPATCH, { simulatorClock: true })),
  );
  afterAll(() => closeSimulatorAndApp(t, sim));

  const forecastOf = async (s: SendingScenario, campaignId: string): Promise<ForecastBody> =>
    (await t.http().get(`/api/v1/campaigns/${campaignId}/forecast`).set(bearer(s.marketer.token)).expect(200)).body;

  const runsOf = async (s: SendingScenario, campaignId: string) =>
    (await t.http().get(`/api/v1/campaigns/${campaignId}/runs`).set(bearer(s.marketer.token)).expect(200)).body
      .items as { id: string; trigger: string; status: string; scheduledAt: string }[];

  it('while an A/B test waits for its winner, forecasts the remainder once: not over budget from counting the test twice', async () => {
    // 1,000 followers; LINE counted 5,900 of the high plan's 6,000 free messages; a NT$300 monthly budget.
    const s = await sendingScenario(t, sim, { followers: 1000, consumption: 5900, monthlyBudget: '300' });
    await t.http().post(`/api/v1/line-accounts/${s.accountId}/quota-sync`).set(bearer(t.adminToken)).expect(200);
    const created = await postCampaign(t, s, {
      name: 'Winter sale test',
      variants: VARIANTS,
      abTest: { testShare: 20, metric: 'unique_click_rate', waitMinutes: 240, undecided: 'none' },
    }).expect(201);
    const id = created.body.id as string;
    // The whole test: 100 free, 900 paid at NT$0.2 = NT$180, under the NT$300 budget.
    const submitted = await submitCampaign(t, s, id);
    expect(submitted.body.forecast).toMatchObject({
      recipients: 1000,
      paidMessages: 900,
      cost: { amount: '180.0000' },
    });
    await approveCampaign(t, s, id);

    const firstId = await sendNow(t, s, id);
    await waitForRun(t, s.marketer.token, firstId, FINISHED);
    const runs = await runsOf(s, id);
    for (const run of runs.filter((r) => r.trigger !== 'ab_remainder'))
      await waitForRun(t, s.marketer.token, run.id, FINISHED);
    const remainder = runs.find((run) => run.trigger === 'ab_remainder')!;
    expect(remainder).toMatchObject({ status: 'scheduled' });

    // The variants sent 200 (100 free, 100 paid: NT$20 spent); the remainder's 800 are still held (NT$160).
    // Counted twice, that was "spent 20 + reserved 160 + this send 200 = 380", over the NT$300 budget.
    const during = await forecastOf(s, id);
    expect(during).toMatchObject({
      month: '2026-11',
      recipients: 800,
      messages: 800,
      freeMessages: 0,
      paidMessages: 800,
      cost: { amount: '160.0000' },
      verdict: 'ok',
      quota: { reserved: 0 },
      budget: { spentThisMonth: '20.0000', reservedThisMonth: '0.0000', remainingAfter: '120.0000' },
    });
    expect(during.suggestions.map((suggestion) => suggestion.kind)).not.toContain('trim');
    expect(during.reasonDetails[0]).toMatchObject({
      code: 'campaign.under_way',
      params: { recipients: 800, runs: remainder.id, heldMessages: 800, heldCost: '160.0000', currency: 'TWD' },
    });
    expect(during.reasons[0]).toMatch(/^This campaign's send is under way: .* 800 recipients/);

    // The remainder's gate, at the same figures, agrees: it reserves the 800 for NT$160 and sends them.
    clock.advance(241 * 60_000);
    const sent = await waitForRun(t, s.marketer.token, remainder.id, FINISHED, 30_000);
    expect(sent).toMatchObject({ status: 'completed' });
  });

  it("under policy defer says what this month pays, and once the free part went, forecasts the rest in the reset's month", async () => {
    // 1,000 followers; LINE counted 5,800 of 6,000: 200 free this month, the other 800 would cost NT$160 now.
    const s = await sendingScenario(t, sim, { followers: 1000, consumption: 5800 });
    await t.http().post(`/api/v1/line-accounts/${s.accountId}/quota-sync`).set(bearer(t.adminToken)).expect(200);
    const created = await postCampaign(t, s, {
      name: 'Year-end sale',
      messages: [{ type: 'text', text: 'Year-end sale: 20% off' }],
      schedule: null,
      overBudgetPolicy: 'defer',
    }).expect(201);
    const id = created.body.id as string;
    const submitted = (await submitCampaign(t, s, id)).body.forecast as ForecastBody;
    // cost is the whole audience sent now (what deferring saves); this month pays the part that goes now.
    expect(submitted).toMatchObject({
      cost: { amount: '160.0000' },
      deferral: { now: { recipients: 200, cost: '0.0000' }, later: { recipients: 800, cost: '0.0000' } },
    });
    const preview = await forecastOf(s, id);
    expect(preview).toMatchObject({ cost: { amount: '160.0000' }, deferral: { now: { cost: '0.0000' } } });
    expect(preview.reasonDetails[0]).toMatchObject({
      code: 'policy.defer',
      params: { now: 200, thisMonthCost: '0.0000', later: 800, laterCost: '0.0000', allNowCost: '160.0000' },
    });
    expect(preview.reasons[0]).toMatch(/^Policy defer: this month pays 0\.0000 TWD, for the 200 recipients sent now/);
    await approveCampaign(t, s, id);

    const firstId = await sendNow(t, s, id);
    expect(await waitForRun(t, s.marketer.token, firstId, FINISHED)).toMatchObject({ status: 'completed' });
    const rest = (await runsOf(s, id)).find((run) => run.trigger === 'deferred')!;
    expect(rest).toMatchObject({ status: 'scheduled', scheduledAt: '2026-11-30T16:00:00.000Z' });
    // What is left is the 800 at the reset, free in December's quota: not 1,000 again at November's prices.
    const after = await forecastOf(s, id);
    expect(after).toMatchObject({
      month: '2026-12',
      recipients: 800,
      freeMessages: 800,
      paidMessages: 0,
      cost: { amount: '0.0000' },
      verdict: 'ok',
      deferral: null,
    });
    expect(after.reasonDetails[0]).toMatchObject({
      code: 'campaign.under_way',
      params: { recipients: 800, runs: rest.id, at: '2026-11-30T16:00:00.000Z' },
    });
  });
});
