import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { DispatcherService } from '../apps/api/src/dispatch/dispatcher.service';
import { bearer, createTestApp, TestApp } from './support/app';
import {
  approvedCampaign,
  sendingScenario,
  sendNow,
  sendNowResponse,
  simulatorTotals,
  waitForRun,
} from './support/dispatch-fixture';
import { importFollowers } from './support/followers';

const FAST_DISPATCH = {
  DISPATCH_ENABLED: 'true',
  DISPATCH_POLL_MS: '50',
  DISPATCH_WORKERS: '4',
  DISPATCH_RETRY_BASE_MS: '20',
  DISPATCH_RETRY_MAX_MS: '200',
  DISPATCH_LEASE_SECONDS: '5',
  LINE_TIMEOUT_MS: '2000',
};

/** The budget gate and the sending pipeline, in process, against the simulator over HTTP. */
describe('dispatch: the budget gate and exactly-once sending', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'dispatch-e2e' });
    t = await createTestApp(FAST_DISPATCH);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  async function usage(accountId: string) {
    return (await t.http().get(`/api/v1/line-accounts/${accountId}/usage`).set(bearer(t.adminToken)).expect(200)).body;
  }

  it("sends 20,000 recipients exactly once through 10% server errors and 5% lost responses; the ledger equals LINE's count", async () => {
    const s = await sendingScenario(t, sim, { followers: 20_000 });
    await request(sim.url)
      .put(`/_sim/channels/${s.channelId}/faults`)
      .send({ serverErrorRate: 0.1, lostResponseRate: 0.05, endpoints: ['multicast'] })
      .expect(200);
    const campaignId = await approvedCampaign(t, s);
    const runId = await sendNow(t, s, campaignId);
    const progressSeen: number[] = [];
    const run = await waitForRun(
      t,
      s.marketer.token,
      runId,
      ['completed', 'partial', 'failed', 'blocked'],
      120_000,
      (r) => progressSeen.push(r.progress.batchesDone),
    );
    expect(run).toMatchObject({
      status: 'completed',
      progress: { recipients: 20_000, batches: 40, batchesDone: 40, delivered: 20_000, failed: 0 },
      actual: { messages: 20_000 },
    });
    expect(Math.max(...progressSeen)).toBe(40);

    const seen = await simulatorTotals(sim, s.channelId);
    expect(seen).toMatchObject({ totalDeliveries: 20_000, distinctRecipients: 20_000, repeatedRecipients: [] });
    const requests = (await request(sim.url).get(`/_sim/channels/${s.channelId}/requests?limit=1000`).expect(200)).body;
    expect(JSON.stringify(requests)).toMatch(/5\d\d|lost/); // the faults really happened

    const month = await usage(s.accountId);
    expect(month.used).toBe(seen.totalUsage);
    expect(month.reserved).toBe(0);
    const campaign = (await t.http().get(`/api/v1/campaigns/${campaignId}`).set(bearer(s.marketer.token)).expect(200))
      .body;
    expect(campaign.status).toBe('completed');
  });

  it('sends one multicast per 5 message objects, each request once', async () => {
    const s = await sendingScenario(t, sim, { followers: 700 });
    const messages = Array.from({ length: 7 }, (_, i) => ({ type: 'text', text: `Part ${i + 1}` }));
    const runId = await sendNow(t, s, await approvedCampaign(t, s, { messages }));
    const run = await waitForRun(t, s.marketer.token, runId, ['completed', 'partial', 'failed', 'blocked']);
    expect(run).toMatchObject({
      status: 'completed',
      progress: { recipients: 700, batches: 2, delivered: 700 },
      actual: { messages: 1400 },
    });
    const seen = await simulatorTotals(sim, s.channelId);
    expect(seen.totalUsage).toBe(1400);
    expect((await usage(s.accountId)).used).toBe(1400);
  });

  it('stops the run as partial when LINE reports the monthly limit, sends nothing after it, and releases the rest', async () => {
    const dispatcher = t.app.get(DispatcherService);
    await dispatcher.stop(); // one worker, so "nothing after the 429" is exact
    const single = await createTestApp({ ...FAST_DISPATCH, DISPATCH_WORKERS: '1' });
    try {
      // LINE's limit is 2,300 messages this month. The service read 0 used; then 600 Push messages go
      // out from LINE's OA Manager: only 1,700 of the run's 2,000 fit, so its 4th batch of 500 is refused.
      const s = await sendingScenario(single, sim, {
        followers: 3000,
        quota: { type: 'limited', value: 2300 },
        plan: 'high',
      });
      await single
        .http()
        .post(`/api/v1/line-accounts/${s.accountId}/quota-sync`)
        .set(bearer(single.adminToken))
        .expect(200);
      const campaignId = await approvedCampaign(single, s, { maxRecipients: 2000 });
      await request(sim.url).put(`/_sim/channels/${s.channelId}/consumption`).send({ totalUsage: 600 }).expect(200);
      const runId = await sendNow(single, s, campaignId);
      const run = await waitForRun(single, s.marketer.token, runId, ['completed', 'partial', 'failed', 'blocked']);
      expect(run.status).toBe('partial');
      expect(run.progress.delivered).toBe(1500);
      // The run shows what became of its reservation: 1,500 settled, the other 500 released, none held.
      const shown = (await single.http().get(`/api/v1/runs/${runId}`).set(bearer(s.marketer.token)).expect(200)).body;
      expect(shown).toMatchObject({
        reserved: { messages: 2000 },
        actual: { messages: 1500 },
        reservation: {
          status: 'released',
          settled: { messages: 1500 },
          held: { messages: 0, cost: { amount: '0.0000' } },
          released: { messages: 500 },
        },
      });
      // And it references the rate card it was priced with instead of repeating its text.
      expect(shown.forecast.rateCard).toEqual({
        id: expect.any(String),
        region: 'TW',
        plan: 'high',
        verified: false,
      });
      const log = (await request(sim.url).get(`/_sim/channels/${s.channelId}/requests?limit=1000`).expect(200)).body;
      const entries = log.requests as { endpoint: string; status: number }[];
      const multicasts = entries.filter((e) => e.endpoint === 'multicast');
      const firstLimit = multicasts.findIndex((e) => e.status === 429);
      expect(firstLimit).toBeGreaterThanOrEqual(0);
      expect(multicasts.slice(firstLimit + 1)).toEqual([]);
      const month = (
        await single.http().get(`/api/v1/line-accounts/${s.accountId}/usage`).set(bearer(single.adminToken)).expect(200)
      ).body;
      expect(month.reserved).toBe(0);
      expect(month.used).toBe(1500 + 600);
    } finally {
      await single.close();
      dispatcher.start();
    }
  });
});

describe('dispatch: many runs, many instances, one budget', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'dispatch-many' });
    t = await createTestApp(FAST_DISPATCH);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('two instances on one database share the batches and still deliver exactly once', async () => {
    const second = await createTestApp(FAST_DISPATCH, t);
    try {
      const s = await sendingScenario(t, sim, { followers: 20_000 });
      await request(sim.url).put(`/_sim/channels/${s.channelId}/faults`).send({ latencyMs: 20 }).expect(200);
      const runId = await sendNow(t, s, await approvedCampaign(t, s));
      const run = await waitForRun(t, s.marketer.token, runId, ['completed', 'partial', 'failed', 'blocked'], 120_000);
      expect(run).toMatchObject({ status: 'completed', progress: { delivered: 20_000, batchesDone: 40 } });
      const seen = await simulatorTotals(sim, s.channelId);
      expect(seen).toMatchObject({ totalDeliveries: 20_000, distinctRecipients: 20_000, repeatedRecipients: [] });
      const { rows } = await t.db.pool.query(
        'SELECT count(DISTINCT sent_by)::int AS instances, count(*)::int AS batches FROM run_batches WHERE run_id = $1',
        [runId],
      );
      expect(rows[0]).toEqual({ instances: 2, batches: 40 });
      const usage = (
        await t.http().get(`/api/v1/line-accounts/${s.accountId}/usage`).set(bearer(t.adminToken)).expect(200)
      ).body;
      expect(usage.used).toBe(seen.totalUsage);
    } finally {
      await second.close();
    }
  });

  it('twenty campaigns starting at once never spend past the cap; those that do not fit are blocked and send nothing', async () => {
    // High plan, the 6,000 free messages already used, a NT$500 cap at the default NT$0.2 upper bound:
    // each send of 1,000 costs NT$200, so two fit and a third would make NT$600.
    const s = await sendingScenario(t, sim, { followers: 1000, monthlyBudget: '500', consumption: 6000 });
    await t.http().post(`/api/v1/line-accounts/${s.accountId}/quota-sync`).set(bearer(t.adminToken)).expect(200);
    const campaigns = [];
    for (let i = 0; i < 20; i++) campaigns.push(await approvedCampaign(t, s, { name: `Flash sale ${i}` }));
    const answers = await Promise.all(campaigns.map((id) => sendNowResponse(t, s, id)));
    // send-now goes through the gate in the request: a refused send is a 422 naming the rule, with its run.
    const refused = answers.filter((answer) => answer.status === 422);
    expect(refused).toHaveLength(18);
    for (const answer of refused) {
      expect(answer.run.status).toBe('blocked');
      expect(answer.body.details).toEqual([
        expect.objectContaining({
          field: 'run.blockReasons[0]',
          problem: expect.stringMatching(/^Spent .*past the monthly budget/),
        }),
      ]);
    }
    for (const answer of answers.filter((answer) => answer.status === 202))
      expect(['sending', 'completed']).toContain(answer.run.status);
    const runs = await Promise.all(
      answers.map((answer) =>
        waitForRun(t, s.marketer.token, answer.run.id, ['completed', 'partial', 'failed', 'blocked'], 120_000),
      ),
    );
    const completed = runs.filter((r) => r.status === 'completed');
    const blocked = runs.filter((r) => r.status === 'blocked');
    expect(completed).toHaveLength(2);
    expect(blocked).toHaveLength(18);
    for (const run of blocked) {
      expect(run.blockReasons.map((r) => r.code)).toEqual(['over_budget']);
      expect(run.blockReasons[0]).toMatchObject({
        message: expect.stringMatching(/monthly budget/),
        clearedBy: 'PATCH /line-accounts/:id',
      });
      expect(run.progress.delivered).toBe(0);
    }
    for (const run of completed) expect(run.progress.delivered).toBe(1000);
    const usage = (
      await t.http().get(`/api/v1/line-accounts/${s.accountId}/usage`).set(bearer(t.adminToken)).expect(200)
    ).body;
    expect(Number(usage.spend.amount)).toBeLessThanOrEqual(500);
    expect(usage.spend.amount).toBe('400.0000');
    expect(usage.reserved).toBe(0);
    expect((await simulatorTotals(sim, s.channelId)).totalUsage).toBe(6000 + 2000);

    // An admin raises the cap by NT$200: one blocked run goes through the gate again and fits.
    const account = (await t.http().get(`/api/v1/line-accounts/${s.accountId}`).set(bearer(t.adminToken)).expect(200))
      .body;
    await t
      .http()
      .patch(`/api/v1/line-accounts/${s.accountId}`)
      .set(bearer(t.adminToken))
      .send({ version: account.version, monthlyBudget: '700' })
      .expect(200);
    const retried = await t
      .http()
      .post(`/api/v1/runs/${blocked[0].id}/retry`)
      .set(bearer(s.approver.token))
      .expect(200);
    expect(retried.body.status).toBe('scheduled');
    expect(
      (await waitForRun(t, s.marketer.token, blocked[0].id, ['completed', 'partial', 'failed', 'blocked'])).status,
    ).toBe('completed');
    await t.http().post(`/api/v1/runs/${completed[0].id}/retry`).set(bearer(s.approver.token)).expect(409);
    await t.http().post(`/api/v1/runs/${blocked[1].id}/retry`).set(bearer(s.marketer.token)).expect(403);
  }, 240_000); // twenty sends queue on the account month, one gate at a time: slow on a loaded 2-core CI machine

  it("a send-now whose run a scheduler gated first still answers with the gate's verdict: 422 for a blocked run, never 202", async () => {
    // NT$100 left under the cap, 1,000 paid messages at NT$0.2 forecast NT$200: the gate blocks.
    const s = await sendingScenario(t, sim, { followers: 1000, monthlyBudget: '100', consumption: 6000 });
    await t.http().post(`/api/v1/line-accounts/${s.accountId}/quota-sync`).set(bearer(t.adminToken)).expect(200);
    const campaignId = await approvedCampaign(t, s);
    // The interleaving CI met with twenty send-nows at once: the run send-now committed is gated by a
    // scheduler's tick before send-now's own gate, which then finds it decided.
    const dispatcher = t.app.get(DispatcherService);
    const startNow = dispatcher.startNow.bind(dispatcher);
    const spy = jest.spyOn(dispatcher, 'startNow').mockImplementationOnce(async (runId, id) => {
      await dispatcher.schedulerTick();
      return startNow(runId, id);
    });
    try {
      const answer = await sendNowResponse(t, s, campaignId);
      expect(answer.status).toBe(422);
      expect(answer.run.status).toBe('blocked');
      expect(answer.body.details).toEqual([
        expect.objectContaining({ field: 'run.blockReasons[0]', problem: expect.stringMatching(/monthly budget/) }),
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('trims a run to what fits when the policy says trim, and says so on the run', async () => {
    const s = await sendingScenario(t, sim, { followers: 3000, monthlyBudget: '100', consumption: 5000 });
    await t.http().post(`/api/v1/line-accounts/${s.accountId}/quota-sync`).set(bearer(t.adminToken)).expect(200);
    // 1,000 free left, then NT$100 buys 500 at NT$0.2: 1,500 of the 3,000 fit.
    const campaignId = await approvedCampaign(t, s, { overBudgetPolicy: 'trim' });
    // The forecast says what the gate will do: send the 1,500 that fit (verdict ok), not refuse all 3,000.
    const forecast = (
      await t.http().get(`/api/v1/campaigns/${campaignId}/forecast`).set(bearer(s.marketer.token)).expect(200)
    ).body;
    expect(forecast).toMatchObject({
      recipients: 3000,
      verdict: 'ok',
      verdicts: [],
      blockReasons: [],
      trim: {
        recipients: 1500,
        leftOut: 1500,
        cost: '100.0000',
        wouldBlock: [expect.objectContaining({ code: 'over_budget' })],
      },
    });
    expect(forecast.reasons).toContainEqual(
      expect.stringMatching(/^Policy trim: .* the gate sends to the 1,500 that fit/),
    );
    // The refusal is quoted as what trimming avoids, not listed as a reason of its own.
    expect(forecast.reasons).not.toContain(forecast.trim.wouldBlock[0].message);
    const run = await waitForRun(t, s.marketer.token, await sendNow(t, s, campaignId), [
      'completed',
      'partial',
      'failed',
      'blocked',
    ]);
    expect(run).toMatchObject({
      status: 'completed',
      progress: { recipients: 1500, delivered: 1500 },
      actual: { cost: { amount: '100.0000' } },
    });
    // The note as a code with its figures (the console words it in zh-TW); message stays the English.
    expect(run.blockReasons).toEqual([
      expect.objectContaining({
        code: 'trimmed',
        clearedBy: null,
        message: 'Trimmed from 3000 to 1500 recipients to fit the budget (policy trim).',
        details: [
          {
            code: 'note.trimmed',
            params: { from: 3000, to: 1500 },
            text: 'Trimmed from 3000 to 1500 recipients to fit the budget (policy trim).',
          },
        ],
      }),
    ]);
    expect((run as unknown as { forecast: object }).forecast).toMatchObject({
      recipients: 1500,
      verdict: 'ok',
      trim: { recipients: 1500 },
    });
  });

  it('blocks a run for every reason at once (over_budget and needs_reapproval); submit from blocked, approve, raise the budget, and it sends', async () => {
    // 50 free messages left and a NT$5 budget: approved at 40 recipients, all free (NT$0).
    const s = await sendingScenario(t, sim, { followers: 40, consumption: 5950, monthlyBudget: '5' });
    await t.http().post(`/api/v1/line-accounts/${s.accountId}/quota-sync`).set(bearer(t.adminToken)).expect(200);
    const campaignId = await approvedCampaign(t, s);
    // The audience grows to 100: 50 free + 50 paid at NT$0.2 = NT$10, past the approval and the budget.
    await request(sim.url).post(`/_sim/channels/${s.channelId}/followers`).send({ count: 60 }).expect(200);
    await importFollowers(t, s.accountId);
    const refused = await sendNowResponse(t, s, campaignId);
    expect(refused.status).toBe(422);
    expect(refused.run.blockReasons).toEqual([
      {
        code: 'over_budget',
        message: expect.stringContaining('past the monthly budget of 5.0000 TWD'),
        clearedBy: 'PATCH /line-accounts/:id',
        // The same reason as codes with their figures, for the console to word in zh-TW.
        details: [
          expect.objectContaining({ code: 'over_budget.monthly', params: expect.objectContaining({ cap: '5.0000' }) }),
        ],
      },
      {
        code: 'needs_reapproval',
        message: expect.stringContaining('more than the approved 0.0000'),
        clearedBy: 'POST /campaigns/:id/submit',
        details: [expect.objectContaining({ code: 'needs_reapproval.cost' })],
      },
    ]);
    expect(refused.body.message).toMatch(/^the budget gate refused this send \(over_budget, needs_reapproval\): /);
    expect((await simulatorTotals(sim, s.channelId)).totalDeliveries).toBe(0);
    const audit = (
      await t.http().get(`/api/v1/campaigns/${campaignId}/audit`).set(bearer(s.marketer.token)).expect(200)
    ).body;
    expect(JSON.stringify(audit)).toContain('needs_reapproval');

    // The way out the reason names: submit the blocked campaign again, with a fresh forecast that
    // still says over_budget, so the approver sees it before approving.
    const campaign = (await t.http().get(`/api/v1/campaigns/${campaignId}`).set(bearer(s.marketer.token))).body;
    expect(campaign.status).toBe('blocked');
    const submitted = await t
      .http()
      .post(`/api/v1/campaigns/${campaignId}/submit`)
      .set(bearer(s.marketer.token))
      .send({})
      .expect(200);
    expect(submitted.body).toMatchObject({
      status: 'pending_approval',
      approval: null,
      forecast: {
        recipients: 100,
        paidMessages: 50,
        cost: { amount: '10.0000' },
        verdict: 'over_budget',
        blockReasons: [{ code: 'over_budget', clearedBy: 'PATCH /line-accounts/:id' }],
        warnings: [expect.stringContaining('unverified rate card')],
      },
    });
    const approved = await t
      .http()
      .post(`/api/v1/campaigns/${campaignId}/approve`)
      .set(bearer(s.approver.token))
      .send({ comment: 'Budget raised today' })
      .expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', forecast: { verdict: 'over_budget' } });
    const account = (await t.http().get(`/api/v1/line-accounts/${s.accountId}`).set(bearer(t.adminToken))).body;
    await t
      .http()
      .patch(`/api/v1/line-accounts/${s.accountId}`)
      .set(bearer(t.adminToken))
      .send({ version: account.version, monthlyBudget: '50' })
      .expect(200);
    const sent = await sendNowResponse(t, s, campaignId);
    expect(sent.status).toBe(202);
    const run = await waitForRun(t, s.marketer.token, sent.run.id, ['completed', 'partial', 'failed', 'blocked']);
    expect(run).toMatchObject({ status: 'completed', progress: { delivered: 100 }, blockReasons: [] });
    expect((await simulatorTotals(sim, s.channelId)).totalDeliveries).toBe(100);
  });
});
