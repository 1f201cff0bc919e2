import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import {
  approvedCampaign,
  getRun,
  sendingScenario,
  sendNow,
  simulatorTotals,
  waitForRun,
} from './support/dispatch-fixture';
import { freePort, startServiceProcess } from './support/service-process';

const FAST_DISPATCH = {
  DISPATCH_ENABLED: 'true',
  DISPATCH_POLL_MS: '50',
  DISPATCH_WORKERS: '2',
  DISPATCH_RETRY_BASE_MS: '20',
  DISPATCH_RETRY_MAX_MS: '200',
};

/** The value of one series in Prometheus' text format, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Issue 17: what an operator scrapes and probes. */
describe('metrics and probes', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'metrics-e2e' });
    t = await createTestApp(FAST_DISPATCH);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const scrape = async () =>
    (
      await t
        .http()
        .get('/metrics')
        .set(bearer(t.adminToken))
        .expect(200)
        .expect('Content-Type', /text\/plain/)
    ).text;

  it("shows a run's figures in /metrics, to an admin's token only", async () => {
    const s = await sendingScenario(t, sim, { followers: 1200, quota: { type: 'limited', value: 6000 } });
    await t.http().post(`/api/v1/line-accounts/${s.accountId}/quota-sync`).set(bearer(t.adminToken)).expect(200);
    const runId = await sendNow(t, s, await approvedCampaign(t, s));
    const run = await waitForRun(t, s.marketer.token, runId, ['completed', 'partial', 'failed', 'blocked']);
    expect(run).toMatchObject({ status: 'completed', progress: { delivered: 1200 } });
    await t
      .http()
      .post(`/api/v1/line-accounts/${s.accountId}/contacts/import`)
      .set(bearer(s.marketer.token))
      .set('Content-Type', 'text/csv')
      .send(`lineUserId,displayName\nU${'a'.repeat(32)},Mei\nnot-a-user,Bad\n`)
      .expect(200);

    await t.http().get('/metrics').expect(401);
    await t.http().get('/metrics').set(bearer(s.marketer.token)).expect(403);
    const text = await scrape();
    expect(sample(text, 'lcm_run_recipients_total{outcome="accepted"}')).toBe(1200);
    expect(sample(text, 'lcm_line_requests_total{endpoint="multicast",outcome="accepted"}')).toBe(3); // 500 + 500 + 200
    expect(sample(text, 'lcm_line_request_duration_seconds_count{endpoint="multicast",outcome="accepted"}')).toBe(3);
    expect(sample(text, 'lcm_line_requests_total{endpoint="followers",outcome="accepted"}')).toBe(2);
    expect(sample(text, 'lcm_gate_decisions_total{decision="passed",reason=""}')).toBe(1);
    expect(sample(text, 'lcm_runs{status="completed"}')).toBe(1);
    expect(sample(text, `lcm_month_messages{account="${s.accountId}",kind="used"}`)).toBe(1200);
    expect(sample(text, `lcm_month_messages{account="${s.accountId}",kind="free_remaining"}`)).toBe(4800);
    expect(sample(text, `lcm_month_spend{account="${s.accountId}",currency="TWD"}`)).toBe(0);
    expect(sample(text, `lcm_month_spend_cap{account="${s.accountId}",currency="TWD"}`)).toBe(100000);
    expect(sample(text, `lcm_quota_reading_age_seconds{account="${s.accountId}"}`)).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'lcm_import_rows_total{result="created"}')).toBe(1);
    expect(sample(text, 'lcm_import_rows_total{result="rejected"}')).toBe(1);
    expect(
      sample(
        text,
        'lcm_http_request_duration_seconds_count{method="POST",route="/api/v1/campaigns/:id/send-now",status="2xx"}',
      ),
    ).toBe(1);
    expect(sample(text, 'lcm_db_pool_connections{pool="pg",state="in_use"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'lcm_db_pool_waiting{pool="pg"}')).toBe(0);
    // Prisma's pool serves requests: this scrape's own reads hold a connection of it, or have just released one.
    const prisma = ['in_use', 'idle'].map((state) =>
      sample(text, `lcm_db_pool_connections{pool="prisma",state="${state}"}`)!,
    );
    expect(prisma[0] + prisma[1]).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'lcm_db_pool_waiting{pool="prisma"}')).toBe(0);
    expect(text).toContain('lcm_nodejs_eventloop_lag_seconds');
    expect(text).toContain('lcm_nodejs_heap_size_used_bytes');
  });

  it('answers the probes: live without the database, ready with it and every migration', async () => {
    expect((await t.http().get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { lifecycle: 'up', database: 'up', migrations: 'up' } });
    await t.http().get('/health').expect(200);
  });

  it('reports not ready once SIGTERM arrives, while it finishes the batches in flight, then exits', async () => {
    const s = await sendingScenario(t, sim, { followers: 20_000 });
    // Slow multicasts: a batch is in flight when the signal comes.
    await request(sim.url)
      .put(`/_sim/channels/${s.channelId}/faults`)
      .send({ latencyMs: 400, endpoints: ['multicast'] })
      .expect(200);
    const port = await freePort();
    const service = startServiceProcess({
      DATABASE_URL: t.db.url,
      PORT: String(port),
      DISPATCH_POLL_MS: '50',
      DISPATCH_WORKERS: '2',
      LOG_LEVEL: 'info',
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      for (let ready = false; !ready;) {
        ready = await request(url)
          .get('/health/ready')
          .then((response) => response.status === 200)
          .catch(() => false);
        if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const runId = await sendNow(t, s, await approvedCampaign(t, s));
      // A run that is sending may not have had a batch claimed yet: wait for the first delivery, after
      // which each worker's accepted batch hands over the next one, so batches are in flight.
      for (let waited = 0; (await getRun(t, s.marketer.token, runId)).progress.delivered === 0; waited += 20) {
        if (waited > 30_000) throw new Error(`run ${runId} delivered nothing in 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      service.child.kill('SIGTERM');
      const seen: number[] = [];
      for (;;) {
        const answer = await request(url)
          .get('/health/ready')
          .then((response) => ({ status: response.status, body: response.body as Record<string, unknown> }))
          .catch(() => ({ status: 0, body: {} }));
        seen.push(answer.status);
        if (answer.status === 0) break; // the server has closed
        if (answer.status === 503)
          expect(answer.body).toMatchObject({ details: [{ field: 'lifecycle', problem: 'shutting down' }] });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(seen).toContain(503);
      expect(seen.indexOf(503)).toBeLessThan(seen.indexOf(0));
      expect(await service.exited).toBe(0);
      // What it had in flight was recorded or handed back: this app's workers finish the run, once each.
      const run = await waitForRun(t, s.marketer.token, runId, ['completed', 'partial', 'failed'], 60_000);
      expect(run).toMatchObject({ status: 'completed', progress: { delivered: 20_000, failed: 0 } });
      expect(await simulatorTotals(sim, s.channelId)).toMatchObject({
        totalDeliveries: 20_000,
        repeatedRecipients: [],
      });
    } finally {
      if (service.child.exitCode === null) service.child.kill('SIGKILL');
    }
  });
});
