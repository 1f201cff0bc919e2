import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { BUSY_RETRY_AFTER_SECONDS } from '../apps/api/src/common/exception.filter';
import { TIMEOUT_POLICY } from '../apps/api/src/database/transaction';
import { CampaignForecastService } from '../apps/api/src/campaigns/campaign-forecast.service';
import { bearer, createTestApp, TestApp } from './support/app';
import { burst, BurstResult, tally } from './support/burst';
import { approvedCampaign, SendingScenario, sendingScenario } from './support/dispatch-fixture';

/**
 * Issue 11: a burst of identical state changes on one campaign. PostgreSQL lets exactly one through;
 * the others are told the state changed (409), quickly, and the service keeps answering meanwhile.
 */
/**
 * The bounds of issue 11: the burst answered within 2 s, `/health` under 200 ms meanwhile.
 * BURST_TIME_FACTOR scales both on a machine busy with other work (the server, the simulator and
 * the 50 clients share this process's event loop).
 */
const FACTOR = Number(process.env.BURST_TIME_FACTOR ?? 1);
const BURST_MS = 2_000 * FACTOR;
const HEALTH_MS = 200 * FACTOR;
/** Another session holds the campaign's row lock this long while the calls arrive, so they all queue on it. */
const HOLD_MS = 500;

describe('bursts on one campaign', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let s: SendingScenario;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'burst-e2e' });
    t = await createTestApp({ DISPATCH_ENABLED: 'true', DISPATCH_POLL_MS: '200' });
    s = await sendingScenario(t, sim, { followers: 20 });
  });

  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  async function draft(name: string): Promise<{ id: string; version: number }> {
    const created = await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(s.marketer.token))
      .send({
        lineAccountId: s.accountId,
        audienceId: s.audienceId,
        name,
        messages: [{ type: 'text', text: `${name}: hello` }],
        schedule: null,
      })
      .expect(201);
    return { id: created.body.id, version: created.body.version };
  }

  async function pending(name: string): Promise<{ id: string; version: number }> {
    const { id } = await draft(name);
    const submitted = await t
      .http()
      .post(`/api/v1/campaigns/${id}/submit`)
      .set(bearer(s.marketer.token))
      .send({})
      .expect(200);
    return { id, version: submitted.body.version };
  }

  function expectOneWinner(result: BurstResult, winner: number, heldMs = 0): void {
    const counts = tally(result.statuses);
    const unexpected = result.bodies.filter((answer) => answer.status !== winner && answer.status !== 409);
    expect({ counts, unexpected: unexpected.slice(0, 3) }).toEqual({
      counts: { [winner]: 1, 409: 49 },
      unexpected: [],
    });
    expect(result.elapsedMs).toBeLessThan(heldMs + BURST_MS);
    expect(result.healthFailures).toEqual([]);
    expect(result.healthPolls).toBeGreaterThan(0);
    expect(result.healthMaxMs).toBeLessThan(HEALTH_MS);
  }

  function report(route: string, result: BurstResult): void {
    console.log(
      `${route}: ${JSON.stringify(tally(result.statuses))} in ${Math.round(result.elapsedMs)} ms; ` +
        `/health max ${Math.round(result.healthMaxMs)} ms over ${result.healthPolls} polls; ` +
        `event loop blocked up to ${Math.round(result.eventLoopDelayMaxMs)} ms`,
    );
  }

  it('50 approvals of one pending campaign, queued on its row lock: one 200, 49 × 409', async () => {
    const campaign = await pending('Burst approve');
    const result = await burst(
      t,
      {
        method: 'POST',
        path: `/api/v1/campaigns/${campaign.id}/approve`,
        token: s.approver.token,
        body: { version: campaign.version, comment: 'ok' },
      },
      { holdCampaignLockMs: { id: campaign.id, ms: HOLD_MS } },
    );
    report('approve', result);
    expectOneWinner(result, 200, HOLD_MS);
  });

  it('50 PATCHes of one draft at one version, queued on its row lock: one 200, 49 × 409', async () => {
    const campaign = await draft('Burst edit');
    const result = await burst(
      t,
      {
        method: 'PATCH',
        path: `/api/v1/campaigns/${campaign.id}`,
        token: s.marketer.token,
        body: { version: campaign.version, name: 'Burst edit, renamed' },
      },
      { holdCampaignLockMs: { id: campaign.id, ms: HOLD_MS } },
    );
    report('PATCH', result);
    expectOneWinner(result, 200, HOLD_MS);
  });

  it('50 submissions of one draft: one 200, 49 × 409', async () => {
    const campaign = await draft('Burst submit');
    const result = await burst(t, {
      method: 'POST',
      path: `/api/v1/campaigns/${campaign.id}/submit`,
      token: s.marketer.token,
      body: { version: campaign.version },
    });
    report('submit', result);
    expectOneWinner(result, 200);
  });

  it('50 send-nows of one approved campaign: one 202, 49 × 409', async () => {
    const id = await approvedCampaign(t, s, { name: 'Burst send-now' });
    const result = await burst(t, {
      method: 'POST',
      path: `/api/v1/campaigns/${id}/send-now`,
      token: s.approver.token,
      body: {},
    });
    report('send-now', result);
    expectOneWinner(result, 202);
  });

  it('50 identical test sends: one 200 (one message each), 49 × 409', async () => {
    const campaign = await draft('Burst test-send');
    const contacts = await t
      .http()
      .get(`/api/v1/line-accounts/${s.accountId}/contacts?limit=2`)
      .set(bearer(s.marketer.token))
      .expect(200);
    const lineUserIds = (contacts.body.items as { lineUserId: string }[]).map((contact) => contact.lineUserId);
    expect(lineUserIds).toHaveLength(2);
    const result = await burst(t, {
      method: 'POST',
      path: `/api/v1/campaigns/${campaign.id}/test-send`,
      token: s.marketer.token,
      body: { lineUserIds },
    });
    report('test-send', result);
    expectOneWinner(result, 200);
    const winner = result.bodies.find((answer) => answer.status === 200)!.body as { messagesCounted: number };
    expect(winner.messagesCounted).toBe(2);
  });

  it('50 rejections, withdrawals, pauses, resumes and cancels: one winner each', async () => {
    const rejected = await pending('Burst reject');
    const reject = await burst(t, {
      method: 'POST',
      path: `/api/v1/campaigns/${rejected.id}/reject`,
      token: s.approver.token,
      body: { version: rejected.version, reason: 'not now' },
    });
    report('reject', reject);
    expectOneWinner(reject, 200);

    const withdrawn = await approvedCampaign(t, s, { name: 'Burst withdraw' });
    const withdraw = await burst(t, {
      method: 'POST',
      path: `/api/v1/campaigns/${withdrawn}/withdraw`,
      token: s.marketer.token,
      body: {},
    });
    report('withdraw', withdraw);
    expectOneWinner(withdraw, 200);

    const controlled = await approvedCampaign(t, s, { name: 'Burst pause, resume, cancel' });
    for (const action of ['pause', 'resume', 'cancel']) {
      const result = await burst(t, {
        method: 'POST',
        path: `/api/v1/campaigns/${controlled}/${action}`,
        token: s.approver.token,
        body: {},
      });
      report(action, result);
      expectOneWinner(result, 200);
    }
  });

  describe('approving a campaign while its audience is deleted', () => {
    afterEach(() => jest.restoreAllMocks());

    async function pendingOnOwnAudience(name: string): Promise<{ campaignId: string; audienceId: string }> {
      const audience = await t
        .http()
        .post('/api/v1/audiences')
        .set(bearer(s.marketer.token))
        .send({ lineAccountId: s.accountId, name, definition: { all: [] } })
        .expect(201);
      const created = await t
        .http()
        .post('/api/v1/campaigns')
        .set(bearer(s.marketer.token))
        .send({
          lineAccountId: s.accountId,
          audienceId: audience.body.id,
          name,
          messages: [{ type: 'text', text: `${name}: hello` }],
          schedule: null,
        })
        .expect(201);
      await t
        .http()
        .post(`/api/v1/campaigns/${created.body.id}/submit`)
        .set(bearer(s.marketer.token))
        .send({})
        .expect(200);
      return { campaignId: created.body.id, audienceId: audience.body.id };
    }

    const approve = (id: string) =>
      t.http().post(`/api/v1/campaigns/${id}/approve`).set(bearer(s.approver.token)).send({});
    const remove = (id: string) => t.http().delete(`/api/v1/audiences/${id}`).set(bearer(s.marketer.token));
    const state = async (campaignId: string) =>
      (
        await t.db.pool.query<{ status: string; deleted: boolean }>(
          `SELECT c.status::text, a.deleted_at IS NOT NULL AS deleted
             FROM campaigns c JOIN audiences a ON a.id = c.audience_id WHERE c.id = $1`,
          [campaignId],
        )
      ).rows[0];

    it('a delete committed after the approval read the audience: the approval is a 422 on audienceId, the campaign stays pending', async () => {
      const { campaignId, audienceId } = await pendingOnOwnAudience('Approve while deleted');
      // The approval forecasts (the audience is there), then the delete commits, then the approval's transaction.
      const forecaster = t.app.get(CampaignForecastService);
      const compute = forecaster.compute.bind(forecaster);
      jest.spyOn(forecaster, 'compute').mockImplementationOnce(async (...args) => {
        const computed = await compute(...args);
        await remove(audienceId).expect(204);
        return computed;
      });
      const refused = await approve(campaignId).expect(422);
      expect(refused.body.details).toEqual([{ field: 'audienceId', problem: 'no longer exists' }]);
      expect(await state(campaignId)).toEqual({ status: 'pending_approval', deleted: true });
    });

    it('10 approvals and deletes of their audiences at once: never an approved campaign on a deleted audience', async () => {
      const outcomes: string[] = [];
      for (let round = 0; round < 10; round++) {
        const { campaignId, audienceId } = await pendingOnOwnAudience(`Approve or delete ${round}`);
        const [approved, deleted] = await Promise.all([approve(campaignId), remove(audienceId)]);
        const after = await state(campaignId);
        outcomes.push(`${approved.status}/${deleted.status}`);
        // Exactly one wins: approved (the delete is a 409: the campaign holds it) or deleted (the approval a 422).
        expect({ approve: approved.status, delete: deleted.status, ...after }).toEqual(
          approved.status === 200
            ? { approve: 200, delete: 409, status: 'approved', deleted: false }
            : { approve: 422, delete: 204, status: 'pending_approval', deleted: true },
        );
      }
      console.log(`approve/delete at once: ${JSON.stringify(tally(outcomes.map((o) => Number(o.split('/')[0]))))}`);
    });
  });

  it('a row lock held past the lock wait: 503 with Retry-After, not 500, and nothing changed', async () => {
    const id = await approvedCampaign(t, s, { name: 'Burst busy' });
    const holder = await t.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM campaigns WHERE id = $1 FOR UPDATE', [id]);
      const started = Date.now();
      const response = await t.http().post(`/api/v1/campaigns/${id}/pause`).set(bearer(s.approver.token)).send({});
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe(String(BUSY_RETRY_AFTER_SECONDS));
      expect(response.body.message).toMatch(/busy/);
      // Bounded by the lock wait, not by the transaction's time-out.
      expect(Date.now() - started).toBeLessThan(TIMEOUT_POLICY.lockWaitMs + 2_000);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    const after = await t.http().get(`/api/v1/campaigns/${id}`).set(bearer(s.approver.token)).expect(200);
    expect(after.body.status).toBe('approved');
  });
});
