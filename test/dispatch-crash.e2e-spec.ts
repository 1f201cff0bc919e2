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
import { startServiceProcess } from './support/service-process';

/**
 * The promise under the worst case: the sending service is killed with SIGKILL in the middle of a
 * run and started again. Every recipient gets the campaign exactly once and the ledger equals what
 * LINE counted. The test's own app only reads and writes through the API; it doesn't send.
 */
describe('dispatch survives SIGKILL mid-run', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'crash-e2e' });
    t = await createTestApp(); // dispatch disabled here: the service processes send
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('resumes from the database: no recipient twice, none lost, ledger = LINE', async () => {
    const s = await sendingScenario(t, sim, { followers: 20_000 });
    // Slow LINE down so the kill lands mid-run, and lose some responses for good measure.
    await request(sim.url)
      .put(`/_sim/channels/${s.channelId}/faults`)
      .send({ latencyMs: 60, lostResponseRate: 0.05, endpoints: ['multicast'] })
      .expect(200);
    const runId = await sendNow(t, s, await approvedCampaign(t, s));

    const env = {
      DATABASE_URL: t.db.url,
      DISPATCH_POLL_MS: '50',
      DISPATCH_WORKERS: '2',
      DISPATCH_LEASE_SECONDS: '2',
      DISPATCH_RETRY_BASE_MS: '20',
      DISPATCH_RETRY_MAX_MS: '200',
      LINE_TIMEOUT_MS: '1000',
    };
    const first = startServiceProcess(env);
    await waitForRun(t, s.marketer.token, runId, ['sending'], 60_000);
    for (let done = 0; done < 8; done = (await getRun(t, s.marketer.token, runId)).progress.batchesDone) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const atKill = await getRun(t, s.marketer.token, runId);
    expect(atKill.status).toBe('sending');
    expect(atKill.progress.batchesDone).toBeLessThan(40);

    const second = startServiceProcess(env);
    try {
      const run = await waitForRun(t, s.marketer.token, runId, ['completed', 'partial', 'failed', 'blocked'], 120_000);
      expect(run).toMatchObject({
        status: 'completed',
        progress: { recipients: 20_000, batchesDone: 40, delivered: 20_000, failed: 0 },
      });
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    const seen = await simulatorTotals(sim, s.channelId);
    expect(seen).toMatchObject({ totalDeliveries: 20_000, distinctRecipients: 20_000, repeatedRecipients: [] });
    const usage = (
      await t.http().get(`/api/v1/line-accounts/${s.accountId}/usage`).set(bearer(t.adminToken)).expect(200)
    ).body;
    expect(usage).toMatchObject({ used: seen.totalUsage, reserved: 0 });
  });
});
