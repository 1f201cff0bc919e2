import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { ResultsSyncService } from '../apps/api/src/results/results-sync.service';
import { bearer, createTestApp, TestApp } from './support/app';
import { approvedCampaign, sendingScenario, SendingScenario, sendNow, waitForRun } from './support/dispatch-fixture';
import { TestClock } from './support/test-clock';

const FAST_DISPATCH = {
  DISPATCH_ENABLED: 'true',
  DISPATCH_POLL_MS: '50',
  DISPATCH_WORKERS: '2',
  DISPATCH_LEASE_SECONDS: '5',
  LINE_TIMEOUT_MS: '2000',
};

const HOUR = 3_600_000;
const FINISHED = ['completed', 'partial', 'failed', 'blocked'];

/** Results from LINE's statistics per aggregation unit, against PostgreSQL and the simulator over HTTP. */
describe('results: what a send did, from LINE', () => {
  const clock = new TestClock();
  let t: TestApp;
  let sim: LineSimulatorHandle;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'results-e2e' });
    t = await createTestApp(FAST_DISPATCH, undefined, { clock });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const results = async (s: SendingScenario, campaignId: string) =>
    (await t.http().get(`/api/v1/campaigns/${campaignId}/results`).set(bearer(s.marketer.token)).expect(200)).body;
  const refresh = (s: SendingScenario, campaignId: string) =>
    t.http().post(`/api/v1/campaigns/${campaignId}/results/refresh`).set(bearer(s.marketer.token)).send({});
  const setFigures = (s: SendingScenario, unit: string, figures: Record<string, number>) =>
    request(sim.url).put(`/_sim/channels/${s.channelId}/statistics/${unit}`).send(figures).expect(200);
  const sent = async (s: SendingScenario, fields: Parameters<typeof approvedCampaign>[2] = {}) => {
    const campaignId = await approvedCampaign(t, s, fields);
    const runId = await sendNow(t, s, campaignId);
    const run = await waitForRun(t, s.marketer.token, runId, FINISHED);
    expect(run.status).toBe('completed');
    return { campaignId, runId };
  };

  it('shows results that appear and update, "fewer than 20" kept apart from 0, with rates and cost per result', async () => {
    // 100 followers; LINE counted 5,950 of the high plan's 6,000 free messages: 50 free, 50 paid at NT$0.2.
    const s = await sendingScenario(t, sim, { followers: 100, consumption: 5950 });
    const { campaignId, runId } = await sent(s);
    const run = (await t.http().get(`/api/v1/runs/${runId}`).set(bearer(s.marketer.token)).expect(200)).body;
    expect(run.aggregationUnit).toMatch(/^lcm_[0-9a-z]{1,25}$/);
    const unit = run.aggregationUnit as string;
    // Every multicast of the run named the unit: LINE counts it as used this month.
    const units = (await request(sim.url).get(`/_sim/channels/${s.channelId}/aggregation-units`).expect(200)).body;
    expect(units.units).toEqual([unit]);

    const before = await results(s, campaignId);
    expect(before.runs).toHaveLength(1);
    expect(before.runs[0]).toMatchObject({
      aggregationUnit: unit,
      readAt: null,
      delivered: 100,
      uniqueImpressions: { value: null, belowThreshold: false },
      rates: { uniqueImpressionRate: null },
      cost: { forecast: { amount: '10.0000' }, actual: { amount: '10.0000' }, difference: { amount: '0.0000' } },
      costPer: { thousandDelivered: { amount: '100.0000', currency: 'TWD' }, uniqueClick: null },
    });
    expect(before.aggregationUnits).toMatchObject({ used: 1, limit: 1000, remaining: 999 });

    // LINE's figures: 42 opened, 12 clicked (LINE says null: fewer than 20), nobody played media.
    await setFigures(s, unit, { uniqueImpression: 42, uniqueClick: 12, uniqueMediaPlayed: 0 });
    const first = (await refresh(s, campaignId).expect(200)).body;
    expect(first.runs[0]).toMatchObject({
      uniqueImpressions: { value: 42, belowThreshold: false },
      uniqueClicks: { value: null, belowThreshold: true },
      uniqueMediaPlayed: { value: null, belowThreshold: true }, // 0 is under 20 too: LINE says null
      rates: { uniqueImpressionRate: '0.4200', uniqueClickRate: null, uniqueMediaPlayedRate: null },
      costPer: { uniqueImpression: { amount: '0.2381' }, uniqueClick: null },
    });
    expect(first.runs[0].readAt).toEqual(expect.any(String));
    expect(first.total).toMatchObject({ uniqueClicks: { value: null, belowThreshold: true }, delivered: 100 });

    // Two hours later the scheduled job reads again: 25 clicked now.
    await setFigures(s, unit, { uniqueImpression: 61, uniqueClick: 25, uniqueMediaPlayed: 0 });
    clock.advance(2 * HOUR);
    expect(await t.app.get(ResultsSyncService).syncDue()).toBeGreaterThanOrEqual(1);
    const later = await results(s, campaignId);
    expect(later.runs[0]).toMatchObject({
      uniqueImpressions: { value: 61 },
      uniqueClicks: { value: 25, belowThreshold: false },
      rates: { uniqueImpressionRate: '0.6100', uniqueClickRate: '0.2500' },
      costPer: { uniqueImpression: { amount: '0.1639' }, uniqueClick: { amount: '0.4000' } },
    });
    // Each reading is kept with its time: the first still says "fewer than 20" clicks.
    expect(later.runs[0].readings.map((r: { uniqueClicks: unknown }) => r.uniqueClicks)).toEqual([
      { value: null, belowThreshold: true },
      { value: 25, belowThreshold: false },
    ]);
    const runResults = (await t.http().get(`/api/v1/runs/${runId}/results`).set(bearer(s.approver.token)).expect(200))
      .body;
    expect(runResults.uniqueClicks).toEqual({ value: 25, belowThreshold: false });
  });

  it('counts unit names in PostgreSQL: when the month runs out, runs still send, without a unit, and say so', async () => {
    const s = await sendingScenario(t, sim, { followers: 30 });
    // Other tools used 998 of the month's 1,000 names; five sends start at once: two get a unit.
    await request(sim.url)
      .put(`/_sim/channels/${s.channelId}/aggregation-units`)
      .send({ usedElsewhere: 998 })
      .expect(200);
    const campaignIds = [];
    for (let i = 0; i < 5; i++) campaignIds.push(await approvedCampaign(t, s, { name: `Flash sale ${i}` }));
    const runIds = await Promise.all(campaignIds.map((id) => sendNow(t, s, id)));
    const runs = await Promise.all(runIds.map((id) => waitForRun(t, s.marketer.token, id, FINISHED)));
    expect(runs.map((run) => run.status)).toEqual(Array(5).fill('completed'));
    expect(runs.map((run) => run.progress.delivered)).toEqual(Array(5).fill(30));
    const shown = await Promise.all(
      runIds.map(
        async (id) => (await t.http().get(`/api/v1/runs/${id}`).set(bearer(s.marketer.token)).expect(200)).body,
      ),
    );
    const withUnit = shown.filter((run) => run.aggregationUnit !== null);
    const without = shown.filter((run) => run.aggregationUnit === null);
    expect(withUnit).toHaveLength(2);
    expect(without).toHaveLength(3);
    for (const run of without)
      expect(run.blockReasons).toEqual([
        expect.objectContaining({
          code: 'no_aggregation_unit',
          message: expect.stringMatching(/used up/),
          details: [
            { code: 'note.no_aggregation_unit', params: { units: 1000 }, text: expect.stringMatching(/used up/) },
          ],
        }),
      ]);
    const units = (await request(sim.url).get(`/_sim/channels/${s.channelId}/aggregation-units`).expect(200)).body;
    expect(units).toMatchObject({ used: 1000 });
    expect([...units.units].sort()).toEqual(withUnit.map((run) => run.aggregationUnit).sort());
    const consumption = (await request(sim.url).get(`/_sim/channels/${s.channelId}/consumption`).expect(200)).body;
    expect(consumption.totalUsage).toBe(150);

    const noUnit = await results(s, campaignIds[runIds.indexOf(without[0].id)]);
    expect(noUnit.runs[0]).toMatchObject({
      aggregationUnit: null,
      note: expect.stringMatching(/without one/),
      noteDetails: [{ code: 'note.no_aggregation_unit', params: { units: 1000 } }],
    });
    expect(noUnit.aggregationUnits).toMatchObject({ used: 1000, remaining: 0 });
  });

  it("gives the hour's budget back when LINE fails a refresh (502): only requests that got figures spend it", async () => {
    const s = await sendingScenario(t, sim, { followers: 25 });
    const { campaignId } = await sent(s);
    const spent = async () =>
      (
        await t.db.pool.query<{ n: number }>(
          "SELECT coalesce(sum(cardinality(calls)), 0)::int AS n FROM line_rate_windows WHERE line_account_id = $1 AND endpoint = 'statistics_per_unit'",
          [s.accountId],
        )
      ).rows[0]?.n ?? 0;
    expect(await spent()).toBe(0);
    await request(sim.url)
      .put(`/_sim/channels/${s.channelId}/faults`)
      .send({ serverErrorRate: 1, serverErrorStatus: 500, endpoints: ['statistics_per_unit'] })
      .expect(200);
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const failed = await refresh(s, campaignId).expect(502);
        expect(failed.body.message).toMatch(/LINE server error 500/);
      }
    } finally {
      await request(sim.url).delete(`/_sim/channels/${s.channelId}/faults`).expect(200);
    }
    expect(await spent()).toBe(0);
    await refresh(s, campaignId).expect(200);
    expect(await spent()).toBe(1);
  });

  it("keeps to LINE's 60 statistics requests an hour per channel: refresh answers 429 with Retry-After, and reads again an hour later", async () => {
    const s = await sendingScenario(t, sim, { followers: 25 });
    const { campaignId } = await sent(s);
    const outcomes = await Promise.all(Array.from({ length: 70 }, () => refresh(s, campaignId)));
    const statuses = outcomes.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(60);
    const refused = outcomes.filter((response) => response.status === 429);
    expect(refused).toHaveLength(10);
    for (const response of refused) {
      const wait = Number(response.headers['retry-after']);
      expect(wait).toBeGreaterThan(3000);
      expect(wait).toBeLessThanOrEqual(3600);
      expect(response.body.message).toMatch(/60 an hour/);
    }
    // LINE itself never had to refuse one.
    const log = (await request(sim.url).get(`/_sim/channels/${s.channelId}/requests?limit=1000`).expect(200)).body;
    const reads = log.requests.filter((r: { endpoint: string }) => r.endpoint === 'statistics_per_unit');
    expect(reads).toHaveLength(60);
    expect(reads.filter((r: { status: number }) => r.status !== 200)).toEqual([]);
    // Once the hour has passed (on the service's clock and LINE's) the budget is back.
    clock.advance(2 * HOUR - 60_000);
    await request(sim.url)
      .put('/_sim/clock')
      .send({ offsetMs: 2 * HOUR })
      .expect(200);
    try {
      await refresh(s, campaignId).expect(200);
    } finally {
      await request(sim.url).delete('/_sim/clock').expect(200);
    }
  });
});
