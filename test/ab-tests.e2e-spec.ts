import request from 'supertest';
import type { LineSimulatorHandle } from '@lcm/line-simulator';
import { BudgetGateService } from '../apps/api/src/dispatch/budget-gate.service';
import { CampaignRunsService } from '../apps/api/src/campaigns/campaign-runs.service';
import { PrismaService } from '../apps/api/src/database/prisma.service';
import { bearer, createTestApp, TestApp } from './support/app';
import {
  approveCampaign,
  approvedCampaign,
  closeSimulatorAndApp,
  getRun,
  postCampaign,
  RunView,
  sendingScenario,
  SendingScenario,
  sendNow,
  sendNowResponse,
  simulatorAndApp,
  simulatorTotals,
  submitCampaign,
  waitForRun,
} from './support/dispatch-fixture';
import { startServiceProcess } from './support/service-process';
import { TestClock } from './support/test-clock';

const FAST_DISPATCH = {
  DISPATCH_ENABLED: 'true',
  DISPATCH_POLL_MS: '50',
  DISPATCH_WORKERS: '2',
  DISPATCH_LEASE_SECONDS: '5',
  // The back-off of every retry of a call to LINE, the A/B test's reads of its figures included.
  DISPATCH_MAX_ATTEMPTS: '4',
  DISPATCH_RETRY_BASE_MS: '20',
  DISPATCH_RETRY_MAX_MS: '200',
  LINE_TIMEOUT_MS: '2000',
};
const FINISHED = ['completed', 'partial', 'failed', 'blocked', 'cancelled'];
const MINUTE = 60_000;

type AbTestBody = { testShare: number; metric: string; waitMinutes: number; undecided: string };

/** Two variants, the second with a postback button whose data the service binds to the campaign. */
export const VARIANTS = [
  { name: 'Plain text', messages: [{ type: 'text', text: 'Winter sale: 20% off' }] },
  {
    name: 'With a coupon button',
    messages: [
      {
        type: 'template',
        altText: 'Winter sale coupon',
        template: {
          type: 'buttons',
          text: 'Winter sale: tap for your 20% coupon',
          actions: [{ type: 'postback', label: 'Get the coupon', data: 'lcm:coupon' }],
        },
      },
    ],
  },
];

/**
 * A/B tests end to end, against PostgreSQL and the simulator: the variants go to the test share,
 * the wait passes on the test's clock, the figures the test sets at the simulator pick the winner,
 * and the remainder gets it exactly once; an undecidable test follows its rule.
 */
describe('A/B tests: variants, a wait, and the winner to the rest', () => {
  const clock = new TestClock();
  let t: TestApp;
  let sim: LineSimulatorHandle;

  beforeAll(async () => ({ sim, t } = await simulatorAndApp('ab-tests-e2e', clock, FAST_DISPATCH)));
  afterAll(() => closeSimulatorAndApp(t, sim));

  const setFigures = (s: SendingScenario, unit: string, figures: Record<string, number>) =>
    request(sim.url).put(`/_sim/channels/${s.channelId}/statistics/${unit}`).send(figures).expect(200);

  async function abCampaign(s: SendingScenario, abTest: AbTestBody, variants: object[] = VARIANTS) {
    const created = await postCampaign(t, s, { name: 'Winter sale test', variants, abTest }).expect(201);
    const id = created.body.id as string;
    const submitted = await submitCampaign(t, s, id);
    await approveCampaign(t, s, id);
    return { id, created: created.body, forecast: submitted.body.forecast };
  }

  /** Sends the test; returns variant A's run and the other parts by their run ids, once the variants finished. */
  async function sendVariants(s: SendingScenario, campaignId: string) {
    const firstId = await sendNow(t, s, campaignId);
    const first = await waitForRun(t, s.marketer.token, firstId, FINISHED);
    const runs = (await t.http().get(`/api/v1/campaigns/${campaignId}/runs`).set(bearer(s.marketer.token)).expect(200))
      .body.items as {
      id: string;
      trigger: string;
      status: string;
      aggregationUnit: string | null;
      scheduledAt: string;
      abTest: { variant: string | null };
    }[];
    const variants = runs.filter((run) => run.trigger !== 'ab_remainder');
    for (const run of variants) await waitForRun(t, s.marketer.token, run.id, FINISHED);
    const remainder = runs.find((run) => run.trigger === 'ab_remainder')!;
    return { first, variants, remainder };
  }

  const audit = async (s: SendingScenario, campaignId: string) =>
    (await t.http().get(`/api/v1/campaigns/${campaignId}/audit`).set(bearer(s.marketer.token)).expect(200)).body
      .items as { action: string; after: Record<string, unknown> }[];

  it('sends 2 variants to 20%, waits, and sends the winner by unique click rate to the other 80% once', async () => {
    // 1,000 followers; LINE counted 5,500 of the high plan's 6,000 free messages: 500 free, 500 paid at NT$0.2.
    const s = await sendingScenario(t, sim, { followers: 1000, consumption: 5500 });
    const { id, created, forecast } = await abCampaign(s, {
      testShare: 20,
      metric: 'unique_click_rate',
      waitMinutes: 240,
      undecided: 'none',
    });
    // The variants are kept as given, their postbacks bound to the campaign; messages is empty.
    expect(created).toMatchObject({ messages: [], abTest: { testShare: 20, waitMinutes: 240 } });
    expect(created.variants[1].messages[0].template.actions[0].data).toBe(`lcm:${id}:coupon`);
    // The whole test, variants and remainder, is one forecast and one approval: 1,000 messages, NT$100.
    expect(forecast).toMatchObject({
      recipients: 1000,
      messages: 1000,
      freeMessages: 500,
      paidMessages: 500,
      cost: { amount: '100.0000' },
    });

    const { first, variants, remainder } = await sendVariants(s, id);
    expect(first).toMatchObject({
      status: 'completed',
      progress: { recipients: 100, delivered: 100 },
      reserved: { messages: 1000, cost: { amount: '100.0000' } },
      abTest: { part: 'variant', variant: 'A', seed: expect.stringMatching(/^[0-9a-f]{16}$/) },
    });
    // Each run's note comes as a code with its figures (the console words it in zh-TW), its English kept.
    const noteOf = (run: unknown) =>
      (run as { blockReasons: { code: string; message: string; details: { text: string }[] }[] }).blockReasons;
    expect(noteOf(first)).toEqual([
      expect.objectContaining({
        code: 'ab_test',
        clearedBy: null,
        details: [
          expect.objectContaining({
            code: 'note.ab_test.split',
            params: expect.objectContaining({
              testShare: 20,
              recipients: 1000,
              waitMinutes: 240,
              metric: 'unique_click_rate',
              rest: 800,
              runId: remainder.id,
              undecided: 'none',
            }),
          }),
        ],
      }),
    ]);
    expect(noteOf(first)[0].details[0].text).toBe(noteOf(first)[0].message);
    expect(variants).toHaveLength(2);
    const b = variants.find((run) => run.abTest.variant === 'B')!;
    expect(await getRun(t, s.marketer.token, b.id)).toMatchObject({
      status: 'completed',
      trigger: 'ab_variant',
      progress: { recipients: 100, delivered: 100 },
      blockReasons: [
        {
          code: 'ab_test',
          details: [
            {
              code: 'note.ab_test.variant',
              params: { variant: 'B', name: 'With a coupon button', runId: first.id },
            },
          ],
        },
      ],
    });
    // Each variant has its own aggregation unit.
    expect(new Set(variants.map((run) => run.aggregationUnit)).size).toBe(2);
    // The remainder waits for the winner, holding the test's reservation, 240 minutes after the start.
    const waiting = (await getRun(t, s.marketer.token, remainder.id)) as RunView & { scheduledAt: string };
    expect(waiting).toMatchObject({
      status: 'scheduled',
      trigger: 'ab_remainder',
      progress: { recipients: 800 },
      abTest: { part: 'remainder', variant: null, decidedAt: null },
      blockReasons: [
        {
          code: 'ab_test',
          details: [
            {
              code: 'note.ab_test.remainder_waiting',
              params: { runId: first.id, at: waiting.scheduledAt, metric: 'unique_click_rate', undecided: 'none' },
            },
          ],
        },
      ],
    });
    const startedAt = (first as RunView & { startedAt: string }).startedAt;
    const waitMs = Date.parse(waiting.scheduledAt) - Date.parse(startedAt);
    expect(Math.abs(waitMs - 240 * MINUTE)).toBeLessThan(1000);
    expect((await simulatorTotals(sim, s.channelId)).totalDeliveries).toBe(200);
    // Send-now can't pull the remainder forward.
    await t.http().post(`/api/v1/campaigns/${id}/send-now`).set(bearer(s.approver.token)).send({}).expect(409);

    // LINE's figures: A 30 of 100 clicked, B 45 of 100.
    const unitOf = (letter: string) => variants.find((run) => run.abTest.variant === letter)!.aggregationUnit!;
    await setFigures(s, unitOf('A'), { uniqueImpression: 80, uniqueClick: 30 });
    await setFigures(s, unitOf('B'), { uniqueImpression: 70, uniqueClick: 45 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await getRun(t, s.marketer.token, remainder.id)).status).toBe('scheduled'); // still waiting
    clock.advance(240 * MINUTE);
    const rest = (await waitForRun(t, s.marketer.token, remainder.id, FINISHED)) as RunView & {
      aggregationUnit: string;
    };
    expect(rest).toMatchObject({
      status: 'completed',
      progress: { recipients: 800, delivered: 800 },
      // Its own gate: the ceiling is the approval less the variants' cost.
      forecast: { recipients: 800, messages: 800 },
      blockReasons: [
        { code: 'ab_test', details: [{ code: 'note.ab_test.remainder', params: { variant: 'B', runId: first.id } }] },
      ],
      abTest: {
        variant: 'B',
        variantName: 'With a coupon button',
        decision: {
          outcome: 'winner',
          winner: 'B',
          metric: 'unique_click_rate',
          margin: '0.01',
          figures: [
            { variant: 'A', delivered: 100, count: 30, rate: '0.3000' },
            { variant: 'B', delivered: 100, count: 45, rate: '0.4500' },
          ],
        },
      },
    });
    expect(rest.aggregationUnit).toMatch(/^lcm_/);

    // At LINE: every follower once; the remainder got B's coupon button.
    expect(await simulatorTotals(sim, s.channelId)).toMatchObject({
      totalDeliveries: 1000,
      distinctRecipients: 1000,
      repeatedRecipients: [],
    });
    const { rows } = await t.db.pool.query<{ id: string }>(
      'SELECT line_user_ids[1] AS id FROM run_batches WHERE run_id = $1 LIMIT 1',
      [remainder.id],
    );
    const got = (await request(sim.url).get(`/_sim/channels/${s.channelId}/deliveries?userId=${rows[0].id}`)).body;
    expect(got.deliveries[0].messages[0].template.actions[0].data).toBe(`lcm:${id}:coupon`);

    // The decision and its figures are in the audit log; the results show each variant and the remainder.
    expect(await audit(s, id)).toContainEqual(
      expect.objectContaining({
        action: 'campaign.ab_test_decided',
        after: expect.objectContaining({ outcome: 'winner', winner: 'B' }),
      }),
    );
    const results = (await t.http().get(`/api/v1/campaigns/${id}/results`).set(bearer(s.marketer.token)).expect(200))
      .body;
    expect(results.abTest).toMatchObject({
      metric: 'unique_click_rate',
      testShare: 20,
      outcome: 'winner',
      winner: 'B',
      variants: [
        {
          variant: 'A',
          variantName: 'Plain text',
          delivered: 100,
          uniqueClicks: { value: 30 },
          rates: { uniqueClickRate: '0.3000' },
        },
        { variant: 'B', delivered: 100, uniqueClicks: { value: 45 }, rates: { uniqueClickRate: '0.4500' } },
      ],
      remainder: { variant: 'B', abPart: 'remainder', delivered: 800 },
    });
    const campaign = await t.http().get(`/api/v1/campaigns/${id}`).set(bearer(s.marketer.token)).expect(200);
    expect(campaign.body.status).toBe('completed');
    // The month: 1,000 messages, NT$100, nothing left reserved.
    const usage = (
      await t.http().get(`/api/v1/line-accounts/${s.accountId}/usage`).set(bearer(t.adminToken)).expect(200)
    ).body;
    expect(usage).toMatchObject({ reserved: 0, paidMessages: 500, spend: { amount: '100.0000' } });
  });

  it("sends variant A to the rest when a count is under LINE's 20 and the rule says variant_a", async () => {
    const s = await sendingScenario(t, sim, { followers: 300 });
    const { id } = await abCampaign(s, {
      testShare: 20,
      metric: 'unique_impression_rate',
      waitMinutes: 30,
      undecided: 'variant_a',
    });
    const { variants, remainder } = await sendVariants(s, id);
    const unitOf = (letter: string) => variants.find((run) => run.abTest.variant === letter)!.aggregationUnit!;
    // B looks better, but A's 12 impressions are under 20: LINE says null, and nobody can tell.
    await setFigures(s, unitOf('A'), { uniqueImpression: 12 });
    await setFigures(s, unitOf('B'), { uniqueImpression: 25 });
    clock.advance(30 * MINUTE);
    const rest = await waitForRun(t, s.marketer.token, remainder.id, FINISHED);
    expect(rest).toMatchObject({
      status: 'completed',
      progress: { recipients: 240, delivered: 240 },
      abTest: {
        variant: 'A',
        decision: {
          outcome: 'variant_a',
          reason: 'below_threshold',
          figures: [
            { variant: 'A', count: null, belowThreshold: true, rate: null },
            { variant: 'B', count: 25, rate: '0.8333' },
          ],
        },
      },
    });
    expect(await simulatorTotals(sim, s.channelId)).toMatchObject({ totalDeliveries: 300, distinctRecipients: 300 });
  });

  it("decides by the undecided rule, saying why, when LINE's statistics can't be read after the retries", async () => {
    const s = await sendingScenario(t, sim, { followers: 300 });
    const { id } = await abCampaign(s, {
      testShare: 20,
      metric: 'unique_click_rate',
      waitMinutes: 30,
      undecided: 'variant_a',
    });
    const { variants, remainder } = await sendVariants(s, id);
    const unitOf = (letter: string) => variants.find((run) => run.abTest.variant === letter)!.aggregationUnit!;
    // B would win on these figures, but LINE's statistics answer 500 to every read: an outage.
    await setFigures(s, unitOf('A'), { uniqueClick: 20 });
    await setFigures(s, unitOf('B'), { uniqueClick: 28 });
    const { lastSeq } = (await request(sim.url).get(`/_sim/channels/${s.channelId}/requests`).expect(200)).body;
    await request(sim.url)
      .put(`/_sim/channels/${s.channelId}/faults`)
      .send({ serverErrorRate: 1, endpoints: ['statistics_per_unit'] })
      .expect(200);
    try {
      clock.advance(30 * MINUTE);
      const rest = await waitForRun(t, s.marketer.token, remainder.id, FINISHED);
      // DISPATCH_MAX_ATTEMPTS (4) tries after the dispatch back-off, then the rule variant_a, as for any undecided test.
      expect(rest).toMatchObject({
        status: 'completed',
        progress: { recipients: 240, delivered: 240 },
        abTest: {
          variant: 'A',
          decision: {
            outcome: 'variant_a',
            reason: 'line_unavailable',
            lineUnavailable: { attempts: 4, lastError: expect.stringContaining('500') },
            figures: [
              { variant: 'A', count: null, belowThreshold: false, rate: null },
              { variant: 'B', count: null, belowThreshold: false, rate: null },
            ],
          },
        },
      });
      expect(rest.blockReasons).toContainEqual(
        expect.objectContaining({
          code: 'ab_test',
          message: expect.stringContaining("LINE's statistics could not be read (4 attempts"),
        }),
      );
      // Each try stopped at its first failed read: LINE was asked 4 times in all, not once a minute for ever.
      const asked = (
        await request(sim.url).get(`/_sim/channels/${s.channelId}/requests?sinceSeq=${lastSeq}`).expect(200)
      ).body.requests.filter((entry: { endpoint: string | null }) => entry.endpoint === 'statistics_per_unit');
      expect(asked).toHaveLength(4);
      expect(await audit(s, id)).toContainEqual(
        expect.objectContaining({
          action: 'campaign.ab_test_decided',
          after: expect.objectContaining({ outcome: 'variant_a', reason: 'line_unavailable' }),
        }),
      );
      expect(await simulatorTotals(sim, s.channelId)).toMatchObject({ totalDeliveries: 300, distinctRecipients: 300 });
    } finally {
      await request(sim.url).delete(`/_sim/channels/${s.channelId}/faults`).expect(200);
    }
  });

  it('waits once more on a tie under the rule wait, then sends none when it is still a tie', async () => {
    const s = await sendingScenario(t, sim, { followers: 400 });
    const { id } = await abCampaign(s, {
      testShare: 50,
      metric: 'unique_click_rate',
      waitMinutes: 60,
      undecided: 'wait',
    });
    const { variants, remainder } = await sendVariants(s, id);
    const unitOf = (letter: string) => variants.find((run) => run.abTest.variant === letter)!.aggregationUnit!;
    // 200 in the test, 100 each: 40 and 40 clicked, a tie.
    await setFigures(s, unitOf('A'), { uniqueClick: 40 });
    await setFigures(s, unitOf('B'), { uniqueClick: 40 });
    clock.advance(60 * MINUTE);
    const deadline = Date.now() + 20_000;
    let waited = await getRun(t, s.marketer.token, remainder.id);
    while ((waited as unknown as { abTest: { waits: number } }).abTest.waits === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      waited = await getRun(t, s.marketer.token, remainder.id);
    }
    expect(waited).toMatchObject({
      status: 'scheduled',
      abTest: { waits: 1, decidedAt: null, decision: { outcome: 'wait', reason: 'tie' } },
    });
    expect(await audit(s, id)).toContainEqual(expect.objectContaining({ action: 'campaign.ab_test_waiting' }));
    // An hour later 41 and 41.5%… LINE counts users: 41 and 41, still within the margin: the rest gets nothing.
    await setFigures(s, unitOf('A'), { uniqueClick: 41 });
    await setFigures(s, unitOf('B'), { uniqueClick: 41 });
    clock.advance(60 * MINUTE);
    const rest = await waitForRun(t, s.marketer.token, remainder.id, FINISHED);
    expect(rest).toMatchObject({
      status: 'completed',
      progress: { delivered: 0 },
      abTest: { variant: null, decision: { outcome: 'none', reason: 'tie', waits: 1 } },
      blockReasons: [
        expect.objectContaining({
          code: 'ab_test',
          details: [
            expect.objectContaining({
              code: 'note.ab_test.undecided_none',
              params: { reason: 'tie', undecided: 'wait', recipients: 200 },
            }),
          ],
        }),
      ],
    });
    expect(await simulatorTotals(sim, s.channelId)).toMatchObject({ totalDeliveries: 200 });
    const usage = (
      await t.http().get(`/api/v1/line-accounts/${s.accountId}/usage`).set(bearer(t.adminToken)).expect(200)
    ).body;
    expect(usage.reserved).toBe(0);
    const campaign = await t.http().get(`/api/v1/campaigns/${id}`).set(bearer(s.marketer.token)).expect(200);
    expect(campaign.body.status).toBe('completed');
  });

  it('test-sends every variant, and a cancel while the test waits gives the whole reservation back', async () => {
    const s = await sendingScenario(t, sim, { followers: 200 });
    const { id } = await abCampaign(s, {
      testShare: 10,
      metric: 'unique_click_rate',
      waitMinutes: 60,
      undecided: 'variant_a',
    });
    const contacts = await t.db.pool.query<{ id: string }>(
      'SELECT line_user_id AS id FROM contacts WHERE line_account_id = $1 ORDER BY line_user_id LIMIT 1',
      [s.accountId],
    );
    const tested = await t
      .http()
      .post(`/api/v1/campaigns/${id}/test-send`)
      .set(bearer(s.marketer.token))
      .send({ lineUserIds: [contacts.rows[0].id] })
      .expect(200);
    // One request per variant: A's text, then B's buttons.
    expect(tested.body).toMatchObject({ messagesCounted: 2, results: [{ accepted: true, requests: 2 }] });

    const { remainder } = await sendVariants(s, id);
    await t.http().post(`/api/v1/campaigns/${id}/cancel`).set(bearer(s.approver.token)).send({}).expect(200);
    expect(await getRun(t, s.marketer.token, remainder.id)).toMatchObject({ status: 'cancelled' });
    // Never decided, so not 'waiting' either: the test ended with the cancel.
    const results = await t.http().get(`/api/v1/campaigns/${id}/results`).set(bearer(s.marketer.token)).expect(200);
    expect(results.body.abTest).toMatchObject({ outcome: 'cancelled', winner: null });
    const usage = (
      await t.http().get(`/api/v1/line-accounts/${s.accountId}/usage`).set(bearer(t.adminToken)).expect(200)
    ).body;
    // 2 test messages and the 20 variants' sends are used; the other 180 were held for the rest and are given back.
    expect(usage).toMatchObject({ reserved: 0 });
    expect((await simulatorTotals(sim, s.channelId)).totalDeliveries).toBe(22);
    clock.advance(60 * MINUTE);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await getRun(t, s.marketer.token, remainder.id)).status).toBe('cancelled');
    expect((await simulatorTotals(sim, s.channelId)).totalDeliveries).toBe(22);
  });

  /** An account cap of `messages` sends in `days` days, set by the admin. */
  const setAccountCap = async (accountId: string, frequencyCap: { messages: number; days: number }) => {
    const admin = bearer(t.adminToken);
    const { version } = (await t.http().get(`/api/v1/line-accounts/${accountId}`).set(admin).expect(200)).body;
    await t.http().patch(`/api/v1/line-accounts/${accountId}`).set(admin).send({ version, frequencyCap }).expect(200);
  };
  const audienceSize = async (s: SendingScenario) =>
    (await t.http().get(`/api/v1/audiences/${s.audienceId}/size`).set(bearer(s.marketer.token)).expect(200)).body;

  it("counts the remainder's recipients against their frequency cap while the test waits, until it sends them nothing", async () => {
    const s = await sendingScenario(t, sim, { followers: 100 });
    await setAccountCap(s.accountId, { messages: 1, days: 7 });
    const { id } = await abCampaign(s, {
      testShare: 20,
      metric: 'unique_click_rate',
      waitMinutes: 60,
      undecided: 'none',
    });
    const { remainder } = await sendVariants(s, id);
    expect(await getRun(t, s.marketer.token, remainder.id)).toMatchObject({
      status: 'scheduled',
      progress: { recipients: 80 },
    });
    // 20 got a variant and 80 have the winner coming: all 100 are at their cap of 1, so another
    // campaign gated during the wait reaches nobody.
    expect(await audienceSize(s)).toMatchObject({ recipients: 0, excluded: { frequencyCap: 100 } });
    const other = await approvedCampaign(t, s, { name: 'Another capped campaign' });
    const second = await waitForRun(t, s.marketer.token, (await sendNowResponse(t, s, other)).run.id, FINISHED);
    expect(second.progress).toMatchObject({ recipients: 0, frequencyCapped: 100 });
    expect((await simulatorTotals(sim, s.channelId)).totalDeliveries).toBe(20);

    // No figures to tell a winner by: the rule none sends the 80 nothing, and they are under their cap again.
    clock.advance(60 * MINUTE);
    const rest = await waitForRun(t, s.marketer.token, remainder.id, FINISHED);
    expect(rest).toMatchObject({ status: 'completed', progress: { delivered: 0 } });
    expect(await audienceSize(s)).toMatchObject({ recipients: 80, excluded: { frequencyCap: 20 } });
    expect((await simulatorTotals(sim, s.channelId)).totalDeliveries).toBe(20);
  });

  it("gives the remainder's recipients their cap back when the test is cancelled while it waits", async () => {
    const s = await sendingScenario(t, sim, { followers: 100 });
    await setAccountCap(s.accountId, { messages: 1, days: 7 });
    const { id } = await abCampaign(s, {
      testShare: 20,
      metric: 'unique_click_rate',
      waitMinutes: 60,
      undecided: 'variant_a',
    });
    const { remainder } = await sendVariants(s, id);
    expect(await audienceSize(s)).toMatchObject({ recipients: 0, excluded: { frequencyCap: 100 } });
    await t.http().post(`/api/v1/campaigns/${id}/cancel`).set(bearer(s.approver.token)).send({}).expect(200);
    expect((await getRun(t, s.marketer.token, remainder.id)).status).toBe('cancelled');
    expect(await audienceSize(s)).toMatchObject({ recipients: 80, excluded: { frequencyCap: 20 } });
  });

  it('notes in the forecast, without blocking, that groups under 20 can never be decided', async () => {
    const s = await sendingScenario(t, sim, { followers: 100 });
    const three = [...VARIANTS, { name: 'Third', messages: [{ type: 'text', text: 'Third try' }] }];
    const draft = await t
      .http()
      .post('/api/v1/campaigns/forecast-draft')
      .set(bearer(s.marketer.token))
      .send({
        lineAccountId: s.accountId,
        audienceId: s.audienceId,
        variants: three,
        maxRecipients: 100,
        abTest: { testShare: 1, metric: 'unique_click_rate', waitMinutes: 60, undecided: 'variant_a' },
      })
      .expect(200);
    expect(draft.body.verdict).toBe('ok');
    expect(draft.body.reasonDetails).toContainEqual(
      expect.objectContaining({
        code: 'ab_test.groups_too_small.variant_a',
        params: expect.objectContaining({ tested: 1, smallest: 0, rest: 99, undecided: 'variant_a' }),
      }),
    );
    expect(draft.body.reasons.join(' ')).toContain('too small to be decided');
    // Saved and submitted, the same note; 20% of 100 (7, 7 and 6) is still too small, 60% (20 each) is not.
    const forecastOf = async (campaignId: string) =>
      (await t.http().get(`/api/v1/campaigns/${campaignId}/forecast`).set(bearer(s.marketer.token)).expect(200))
        .body as { reasonDetails: { code: string }[] };
    const small = await abCampaign(
      s,
      { testShare: 20, metric: 'unique_click_rate', waitMinutes: 60, undecided: 'none' },
      three,
    );
    expect((await forecastOf(small.id)).reasonDetails).toContainEqual(
      expect.objectContaining({
        code: 'ab_test.groups_too_small.none',
        params: expect.objectContaining({ smallest: 6 }),
      }),
    );
    const enough = await abCampaign(
      s,
      { testShare: 60, metric: 'unique_click_rate', waitMinutes: 60, undecided: 'none' },
      three,
    );
    expect((await forecastOf(enough.id)).reasonDetails.map((r) => r.code)).not.toContain(
      'ab_test.groups_too_small.none',
    );
  });

  it('refuses bad A/B fields with 400s naming each field', async () => {
    const s = await sendingScenario(t, sim, { followers: 5 });
    const base = { lineAccountId: s.accountId, audienceId: s.audienceId, name: 'Bad test' };
    const abTest = { testShare: 20, metric: 'unique_click_rate', waitMinutes: 60, undecided: 'none' };
    const fieldsOf = async (body: object) => {
      const response = await t.http().post('/api/v1/campaigns').set(bearer(s.marketer.token)).send(body).expect(400);
      return (response.body.details as { field: string }[]).map((d) => d.field);
    };
    expect(await fieldsOf({ ...base, messages: VARIANTS[0].messages, variants: VARIANTS, abTest })).toContain(
      'variants',
    );
    expect(await fieldsOf({ ...base, variants: VARIANTS })).toContain('abTest');
    expect(await fieldsOf({ ...base, messages: VARIANTS[0].messages, abTest })).toContain('abTest');
    expect(await fieldsOf({ ...base })).toContain('messages');
    expect(await fieldsOf({ ...base, variants: [VARIANTS[0]], abTest })).toContain('variants');
    expect(await fieldsOf({ ...base, variants: VARIANTS, abTest: { ...abTest, waitMinutes: 0 } })).toContain(
      'abTest.waitMinutes',
    );
    expect(await fieldsOf({ ...base, variants: VARIANTS, abTest: { ...abTest, testShare: 100 } })).toContain(
      'abTest.testShare',
    );
    expect(await fieldsOf({ ...base, variants: VARIANTS, abTest: { ...abTest, metric: 'clicks' } })).toContain(
      'abTest.metric',
    );
    expect(
      await fieldsOf({
        ...base,
        variants: [VARIANTS[0], { name: 'Broken', messages: [{ type: 'text', text: '' }] }],
        abTest,
      }),
    ).toContain('variants[1].messages[0].text');
    // Two variants by one name can't be told apart in results, the audit log or the approval.
    expect(
      await fieldsOf({ ...base, variants: [VARIANTS[0], { ...VARIANTS[1], name: ' plain TEXT ' }], abTest }),
    ).toEqual(['variants[1].name']);
    expect(await fieldsOf({ ...base, variants: VARIANTS, abTest, overBudgetPolicy: 'defer' })).toContain(
      'overBudgetPolicy',
    );
    expect(
      await fieldsOf({
        ...base,
        variants: VARIANTS,
        abTest,
        schedule: { cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: '2027-06-30T00:00:00+08:00' },
      }),
    ).toContain('abTest');

    // A draft becomes a test with variants and abTest, and goes back with messages and two nulls.
    const plain = await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(s.marketer.token))
      .send({ ...base, messages: VARIANTS[0].messages })
      .expect(201);
    const tested = await t
      .http()
      .patch(`/api/v1/campaigns/${plain.body.id}`)
      .set(bearer(s.marketer.token))
      .send({ version: plain.body.version, variants: VARIANTS, abTest })
      .expect(200);
    expect(tested.body).toMatchObject({
      messages: [],
      abTest,
      variants: [{ name: 'Plain text' }, { name: 'With a coupon button' }],
    });
    const back = await t
      .http()
      .patch(`/api/v1/campaigns/${plain.body.id}`)
      .set(bearer(s.marketer.token))
      .send({ version: tested.body.version, messages: VARIANTS[0].messages, variants: null, abTest: null })
      .expect(200);
    expect(back.body).toMatchObject({ messages: VARIANTS[0].messages, variants: null, abTest: null });
  });
});

/**
 * The same test sent by the service as real processes, killed with SIGKILL during the wait and
 * again in the middle of the remainder: at the simulator every follower got the campaign exactly
 * once, and the winner was decided once.
 */
describe('A/B tests across SIGKILLs: the remainder goes exactly once', () => {
  const clock = new TestClock();
  let t: TestApp;
  let sim: LineSimulatorHandle;

  // Dispatch disabled here: the service processes send.
  beforeAll(
    async () => ({ sim, t } = await simulatorAndApp('ab-tests-crash-e2e', clock, {}, { simulatorClock: true })),
  );
  afterAll(() => closeSimulatorAndApp(t, sim));

  const env = () => ({
    DATABASE_URL: t.db.url,
    DISPATCH_POLL_MS: '50',
    DISPATCH_WORKERS: '1',
    DISPATCH_LEASE_SECONDS: '2',
    DISPATCH_RETRY_BASE_MS: '20',
    DISPATCH_RETRY_MAX_MS: '200',
    LINE_TIMEOUT_MS: '1000',
    ...clock.env(),
  });

  async function runs(token: string, campaignId: string) {
    return (await t.http().get(`/api/v1/campaigns/${campaignId}/runs`).set(bearer(token)).expect(200)).body.items as {
      id: string;
      trigger: string;
      aggregationUnit: string | null;
      abTest: { variant: string | null };
    }[];
  }

  it('sends the variants, survives a SIGKILL in the wait and one in the remainder, and sends the winner once', async () => {
    const s = await sendingScenario(t, sim, { followers: 5000 });
    const created = await postCampaign(t, s, {
      name: 'Crash-proof test',
      variants: VARIANTS,
      abTest: { testShare: 20, metric: 'unique_impression_rate', waitMinutes: 120, undecided: 'none' },
    }).expect(201);
    const id = created.body.id as string;
    await submitCampaign(t, s, id);
    await approveCampaign(t, s, id);
    const firstId = await sendNow(t, s, id); // left to the service processes' scheduler

    // The variants: 500 each, sent by a service that is then killed while the test waits.
    let service = startServiceProcess(env());
    try {
      await waitForRun(t, s.marketer.token, firstId, FINISHED, 60_000);
      for (const run of await runs(s.marketer.token, id))
        if (run.trigger !== 'ab_remainder') await waitForRun(t, s.marketer.token, run.id, FINISHED, 60_000);
    } catch (error) {
      service.child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\nservice output:\n${service.output()}`, { cause: error });
    }
    service.child.kill('SIGKILL');
    expect(await service.exited).toBe('SIGKILL');
    const parts = await runs(s.marketer.token, id);
    const remainder = parts.find((run) => run.trigger === 'ab_remainder')!;
    expect(await getRun(t, s.marketer.token, remainder.id)).toMatchObject({
      status: 'scheduled',
      progress: { recipients: 4000, batches: 8 },
    });
    expect((await simulatorTotals(sim, s.channelId)).totalDeliveries).toBe(1000);

    // B opened better: 300 of 500 against A's 200.
    const unitOf = (letter: string) => parts.find((run) => run.abTest.variant === letter)!.aggregationUnit!;
    await request(sim.url)
      .put(`/_sim/channels/${s.channelId}/statistics/${unitOf('A')}`)
      .send({ uniqueImpression: 200 })
      .expect(200);
    await request(sim.url)
      .put(`/_sim/channels/${s.channelId}/statistics/${unitOf('B')}`)
      .send({ uniqueImpression: 300 })
      .expect(200);
    clock.advance(120 * MINUTE);
    await request(sim.url).put('/_sim/clock').send({ now: clock.now().toISOString() }).expect(200);
    // Slow multicasts, some answers lost: the remainder is killed after its first batch.
    await request(sim.url)
      .put(`/_sim/channels/${s.channelId}/faults`)
      .send({ latencyMs: 300, lostResponseRate: 0.05, endpoints: ['multicast'] })
      .expect(200);
    service = startServiceProcess(env());
    try {
      await waitForRun(t, s.marketer.token, remainder.id, ['sending'], 60_000);
      while ((await getRun(t, s.marketer.token, remainder.id)).progress.batchesDone < 1)
        await new Promise((resolve) => setTimeout(resolve, 20));
    } catch (error) {
      service.child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\nservice output:\n${service.output()}`, { cause: error });
    }
    service.child.kill('SIGKILL');
    expect(await service.exited).toBe('SIGKILL');
    const atKill = await getRun(t, s.marketer.token, remainder.id);
    expect(atKill.status).toBe('sending');
    expect(atKill.progress.batchesDone).toBeLessThan(8);

    service = startServiceProcess(env());
    try {
      const rest = await waitForRun(t, s.marketer.token, remainder.id, FINISHED, 120_000);
      expect(rest).toMatchObject({
        status: 'completed',
        progress: { recipients: 4000, batches: 8, delivered: 4000, failed: 0 },
        abTest: { variant: 'B', decision: { outcome: 'winner', winner: 'B' } },
      });
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }

    // At LINE: every follower once. The winner was decided once.
    expect(await simulatorTotals(sim, s.channelId)).toMatchObject({
      totalDeliveries: 5000,
      distinctRecipients: 5000,
      repeatedRecipients: [],
    });
    const auditItems = (await t.http().get(`/api/v1/campaigns/${id}/audit`).set(bearer(s.marketer.token)).expect(200))
      .body.items as { action: string }[];
    expect(auditItems.filter((item) => item.action === 'campaign.ab_test_decided')).toHaveLength(1);
    const campaign = await t.http().get(`/api/v1/campaigns/${id}`).set(bearer(s.marketer.token)).expect(200);
    expect(campaign.body.status).toBe('completed');
  }, 300_000);
});

/**
 * Anything two instances could race on is decided inside PostgreSQL: an A/B test has one remainder
 * because a unique key says so, not only because the gate holds the campaign's lock.
 */
describe('A/B tests on two instances: one remainder per test', () => {
  const clock = new TestClock();
  let t: TestApp;
  let other: TestApp | undefined;
  let sim: LineSimulatorHandle;

  // Dispatch disabled on both: the test calls each instance's gate itself, at once.
  beforeAll(async () => {
    ({ sim, t } = await simulatorAndApp('ab-tests-two-instances-e2e', clock));
    other = await createTestApp({}, t, { clock });
  });
  afterAll(async () => {
    await other?.close();
    await closeSimulatorAndApp(t, sim);
  });

  const abTest = { testShare: 20, metric: 'unique_click_rate', waitMinutes: 60, undecided: 'none' };
  async function approvedTest(s: SendingScenario, name: string): Promise<{ id: string; firstId: string }> {
    const created = await postCampaign(t, s, { name, variants: VARIANTS, abTest }).expect(201);
    const id = created.body.id as string;
    await submitCampaign(t, s, id);
    await approveCampaign(t, s, id);
    return { id, firstId: await sendNow(t, s, id) }; // left to a gate: dispatch is off
  }
  const partsOf = async (firstId: string) =>
    (
      await t.db.pool.query<{ id: string; trigger: string }>(
        'SELECT id, trigger FROM campaign_runs WHERE ab_test_run_id = $1 ORDER BY created_at, id',
        [firstId],
      )
    ).rows;

  it('two instances gating the test at once make one remainder; a second is refused by the database', async () => {
    const s = await sendingScenario(t, sim, { followers: 100 });
    const { id, firstId } = await approvedTest(s, 'Raced test');
    const outcomes = await Promise.all([t, other!].map((app) => app.app.get(BudgetGateService).gate(firstId, id)));
    expect([...outcomes].sort()).toEqual(['sending', 'skipped']);
    const parts = await partsOf(firstId);
    expect(parts.map((part) => part.trigger).sort()).toEqual(['ab_remainder', 'ab_variant', 'send_now']);
    const remainderId = parts.find((part) => part.trigger === 'ab_remainder')!.id;

    // Asked again from both instances at once, the remainder is the one there: nothing new is made.
    const first = (await t.app.get(CampaignRunsService).findById(firstId))!;
    const again = await Promise.all(
      [t, other!].map((app) =>
        app.app
          .get(PrismaService)
          .transaction((tx) =>
            app.app
              .get(CampaignRunsService)
              .createAbRemainder(first, new Date(clock.now().getTime() + 2 * MINUTE), { reservationId: null }, tx),
          ),
      ),
    );
    expect(again.map(({ run, created }) => [run.id, created])).toEqual([
      [remainderId, false],
      [remainderId, false],
    ]);
    // A plain INSERT of a second remainder for the test is refused by PostgreSQL itself.
    await expect(
      t.db.pool.query(
        `INSERT INTO campaign_runs (id, campaign_id, line_account_id, status, trigger, scheduled_at, campaign_version,
                                    approved_recipients, approved_messages, approved_cost, ab_test_run_id, ab_remainder_of_run_id)
         SELECT gen_random_uuid(), campaign_id, line_account_id, 'scheduled', 'ab_remainder', scheduled_at + interval '1 second',
                campaign_version, approved_recipients, approved_messages, approved_cost, ab_test_run_id, ab_remainder_of_run_id
           FROM campaign_runs WHERE id = $1`,
        [remainderId],
      ),
    ).rejects.toMatchObject({ code: '23505', constraint: 'campaign_runs_ab_remainder_of_run_id_key' });
    expect(await partsOf(firstId)).toHaveLength(3);
  });

  it("a gate that finds the test's remainder already made by another instance rolls back and skips", async () => {
    const s = await sendingScenario(t, sim, { followers: 100 });
    const { id, firstId } = await approvedTest(s, 'Test split elsewhere');
    // Two instances make the remainder of the same test at once, outside any gate's lock: one row.
    const first = (await t.app.get(CampaignRunsService).findById(firstId))!;
    const at = new Date(clock.now().getTime() + 60 * MINUTE);
    const made = await Promise.all(
      [t, other!].map((app) =>
        app.app
          .get(PrismaService)
          .transaction((tx) =>
            app.app.get(CampaignRunsService).createAbRemainder(first, at, { reservationId: null }, tx),
          ),
      ),
    );
    expect(made.map((m) => m.created).sort()).toEqual([false, true]);
    expect(new Set(made.map((m) => m.run.id)).size).toBe(1);
    // The gate then finds the test split: it takes nothing (no variants, no reservation) and leaves the run as it was.
    expect(await t.app.get(BudgetGateService).gate(firstId, id)).toBe('skipped');
    expect((await partsOf(firstId)).map((part) => part.trigger)).toEqual(['ab_remainder']);
    expect(await getRun(t, s.marketer.token, firstId)).toMatchObject({
      status: 'scheduled',
      reserved: { messages: 0 },
    });
    const usage = (
      await t.http().get(`/api/v1/line-accounts/${s.accountId}/usage`).set(bearer(t.adminToken)).expect(200)
    ).body;
    expect(usage.reserved).toBe(0);
  });
});
