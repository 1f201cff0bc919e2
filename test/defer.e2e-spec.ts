import { createHash } from 'node:crypto';
import request from 'supertest';
import type { LineSimulatorHandle } from '@lcm/line-simulator';
import { bearer, TestApp } from './support/app';
import {
  approveCampaign,
  closeSimulatorAndApp,
  getRun,
  postCampaign,
  sendingScenario,
  sendNow,
  simulatorAndApp,
  simulatorTotals,
  submitCampaign,
  waitForRun,
} from './support/dispatch-fixture';
import { startServiceProcess } from './support/service-process';
import { TestClock } from './support/test-clock';

const FINISHED = ['completed', 'partial', 'failed', 'blocked', 'cancelled'];

/**
 * Policy defer, end to end: the free part of a send goes now, the rest waits for the account's
 * monthly reset and goes then against the new month's free quota. The test moves the clock (the
 * service's and the simulator's) past the reset, and kills the sending service with SIGKILL in the
 * middle of each part: at the simulator every follower got the campaign exactly once.
 */
describe('policy defer: the paid part waits for the monthly reset', () => {
  // 20 November 2026, 10:00 in Taipei; the reset is 1 December 00:00 +08:00.
  const clock = new TestClock('2026-11-20T02:00:00Z');
  const reset = '2026-11-30T16:00:00.000Z';
  let t: TestApp;
  let sim: LineSimulatorHandle;

  // Dispatch disabled here: the service processes send.
  beforeAll(async () => ({ sim, t } = await simulatorAndApp('defer-e2e', clock, {}, { simulatorClock: true })));
  afterAll(() => closeSimulatorAndApp(t, sim));

  const usage = async (accountId: string, month: string) =>
    (
      await t
        .http()
        .get(`/api/v1/line-accounts/${accountId}/usage?month=${month}`)
        .set(bearer(t.adminToken))
        .expect(200)
    ).body;

  /** Starts a sending service, waits until `runId` has sent at least one batch, and kills it with SIGKILL. */
  async function killMidRun(env: Record<string, string>, token: string, runId: string, batches: number) {
    const service = startServiceProcess(env);
    await waitForRun(t, token, runId, ['sending'], 60_000).catch((error: Error) => {
      service.child.kill('SIGKILL');
      throw new Error(`${error.message}\nservice output:\n${service.output()}`);
    });
    for (let done = 0; done < 1; done = (await getRun(t, token, runId)).progress.batchesDone) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    service.child.kill('SIGKILL');
    expect(await service.exited).toBe('SIGKILL');
    const atKill = await getRun(t, token, runId);
    expect(atKill.status).toBe('sending');
    expect(atKill.progress.batchesDone).toBeLessThan(batches);
  }

  it('sends the free 2,000 now and the other 4,000 at the reset, each follower once, across two SIGKILLs', async () => {
    // LINE has counted 4,000 of the high plan's 6,000 free messages: 2,000 are left this month.
    const s = await sendingScenario(t, sim, { followers: 6000, consumption: 4000 });
    const created = await postCampaign(t, s, {
      name: 'Year-end sale',
      messages: [{ type: 'text', text: 'Year-end sale: 20% off' }],
      schedule: null,
      overBudgetPolicy: 'defer',
    }).expect(201);
    const campaignId = created.body.id as string;

    // The forecast shows both parts: 2,000 free now; 4,000 at the reset, free in December's quota.
    const submitted = await submitCampaign(t, s, campaignId);
    expect(submitted.body.forecast).toMatchObject({
      recipients: 6000,
      freeMessages: 2000,
      paidMessages: 4000,
      cost: { amount: '800.0000' },
      deferral: {
        now: { recipients: 2000, freeMessages: 2000, paidMessages: 0, cost: '0.0000', month: '2026-11' },
        later: { recipients: 4000, freeMessages: 4000, paidMessages: 0, cost: '0.0000', month: '2026-12', at: reset },
        saves: '800.0000',
        currency: 'TWD',
      },
    });
    expect(Date.parse(submitted.body.forecast.deferral.now.at)).toBeGreaterThanOrEqual(
      Date.parse('2026-11-20T02:00:00Z'),
    );
    // The approval covers both parts: its answer carries the same split.
    const approved = await approveCampaign(t, s, campaignId, { comment: 'both parts ok' });
    expect(approved.body.forecast.deferral).toMatchObject({ now: { recipients: 2000 }, later: { recipients: 4000 } });

    await request(sim.url)
      .put(`/_sim/channels/${s.channelId}/faults`)
      .send({ latencyMs: 300, lostResponseRate: 0.05, endpoints: ['multicast'] })
      .expect(200);
    const firstId = await sendNow(t, s, campaignId);
    const env = {
      DATABASE_URL: t.db.url,
      DISPATCH_POLL_MS: '50',
      DISPATCH_WORKERS: '1',
      DISPATCH_LEASE_SECONDS: '2',
      DISPATCH_RETRY_BASE_MS: '20',
      DISPATCH_RETRY_MAX_MS: '200',
      LINE_TIMEOUT_MS: '1000',
      ...clock.env(),
    };

    // The first part: killed after its first batch, finished by a second service.
    await killMidRun(env, s.marketer.token, firstId, 4);
    let service = startServiceProcess(env);
    let restId: string;
    try {
      const first = await waitForRun(t, s.marketer.token, firstId, FINISHED, 120_000);
      expect(first).toMatchObject({
        status: 'completed',
        progress: { recipients: 2000, batches: 4, delivered: 2000, failed: 0 },
        actual: { messages: 2000, cost: { amount: '0.0000' } },
        blockReasons: [
          {
            code: 'deferred',
            clearedBy: null,
            // The note as a code with its figures, so the console words it in zh-TW; message stays the English.
            details: [
              {
                code: 'note.deferred',
                params: expect.objectContaining({ sent: 2000, recipients: 6000, later: 4000, at: reset }),
              },
            ],
          },
        ],
      });
      const [note] = first.blockReasons as unknown as { message: string; details: { text: string }[] }[];
      expect(note.details[0].text).toBe(note.message);
      const { deferral } = first as unknown as { deferral: { seed: string; deferredRunId: string } };
      expect(deferral.seed).toMatch(/^[0-9a-f]{16}$/);
      restId = deferral.deferredRunId;
      const rest = await getRun(t, s.marketer.token, restId);
      expect(rest).toMatchObject({
        status: 'scheduled',
        trigger: 'deferred',
        scheduledAt: reset,
        progress: { recipients: 4000, batches: 8 },
        deferral: { deferredFromRunId: firstId },
        blockReasons: [
          { code: 'deferred', details: [{ code: 'note.deferred.remainder', params: { runId: firstId } }] },
        ],
      });
      // It waits for the reset: nothing more goes in November, and send-now won't pull it forward.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await getRun(t, s.marketer.token, restId)).status).toBe('scheduled');
      await t
        .http()
        .post(`/api/v1/campaigns/${campaignId}/send-now`)
        .set(bearer(s.approver.token))
        .send({})
        .expect(409);

      // Fair and deterministic: the 2,000 who got it now are the first 2,000 in md5(seed || user id) order.
      const november = (await request(sim.url).get(`/_sim/channels/${s.channelId}/deliveries?perUser=true`).expect(200))
        .body as { totalDeliveries: number; distinctRecipients: number; perUser: Record<string, number> };
      expect(november).toMatchObject({ totalDeliveries: 2000, distinctRecipients: 2000 });
      const contacts = await t.db.pool.query<{ id: string }>(
        'SELECT line_user_id AS id FROM contacts WHERE line_account_id = $1',
        [s.accountId],
      );
      const order = (id: string) => createHash('md5').update(`${deferral.seed}${id}`).digest('hex');
      const expected = contacts.rows
        .map((row) => row.id)
        .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : a < b ? -1 : 1))
        .slice(0, 2000);
      expect(Object.keys(november.perUser).sort()).toEqual(expected.sort());
      expect(await usage(s.accountId, '2026-11')).toMatchObject({
        used: 6000,
        paidMessages: 0,
        spend: { amount: '0.0000' },
      });
      // December's projection counts the rest as the 4,000 it carries, not the audience's 6,000.
      expect((await usage(s.accountId, '2026-12')).projection.scheduled).toMatchObject({
        messages: 4000,
        campaigns: [expect.objectContaining({ recipients: 4000 })],
      });
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }

    // Past the reset (the simulator's month moves too): the rest goes through the gate again.
    clock.set('2026-11-30T16:00:01Z');
    await request(sim.url).put('/_sim/clock').send({ now: clock.now().toISOString() }).expect(200);
    await killMidRun(env, s.marketer.token, restId, 8);
    service = startServiceProcess(env);
    try {
      const rest = await waitForRun(t, s.marketer.token, restId, FINISHED, 120_000);
      expect(rest).toMatchObject({
        status: 'completed',
        progress: { recipients: 4000, batches: 8, delivered: 4000, failed: 0 },
        actual: { messages: 4000, cost: { amount: '0.0000' } },
        forecast: { month: '2026-12', recipients: 4000, freeMessages: 4000, paidMessages: 0 },
      });
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }

    // At LINE: every follower once across both parts, and December counts only the rest.
    const seen = await simulatorTotals(sim, s.channelId);
    expect(seen).toMatchObject({
      totalDeliveries: 6000,
      distinctRecipients: 6000,
      repeatedRecipients: [],
      totalUsage: 4000,
    });
    expect(await usage(s.accountId, '2026-12')).toMatchObject({
      used: 4000,
      reserved: 0,
      paidMessages: 0,
      spend: { amount: '0.0000' },
    });
    const campaign = await t.http().get(`/api/v1/campaigns/${campaignId}`).set(bearer(s.marketer.token)).expect(200);
    expect(campaign.body.status).toBe('completed');
  }, 300_000);

  it('with deferPriority, the free part goes to the highest values of the attribute, contacts without it last', async () => {
    // The clock is past the first test's reset (December): 4 of December's 6,000 free messages are left.
    const s = await sendingScenario(t, sim, { followers: 10, consumption: 5996 });
    const contacts = (
      await t.http().get(`/api/v1/line-accounts/${s.accountId}/contacts?limit=50`).set(bearer(s.marketer.token))
    ).body.items.map((c: { lineUserId: string }) => c.lineUserId) as string[];
    const u = contacts.sort();
    const points = [5, 9, 1, 9, 3, null, 7, 2, null, 4];
    await t
      .http()
      .put(`/api/v1/line-accounts/${s.accountId}/contacts`)
      .set(bearer(s.marketer.token))
      .send({
        contacts: u.map((lineUserId, i) => ({
          lineUserId,
          status: 'following',
          attributes: points[i] === null ? {} : { points: points[i] },
        })),
      })
      .expect(200);
    const create = (deferPriority: unknown) =>
      postCampaign(t, s, {
        name: 'Loyalty first',
        messages: [{ type: 'text', text: 'For our best customers first' }],
        overBudgetPolicy: 'defer',
        deferPriority,
      });
    for (const [bad, field] of [
      [{ attribute: 'bad name!', order: 'desc' }, 'deferPriority.attribute'],
      [{ attribute: 'points', order: 'up' }, 'deferPriority.order'],
      [{ order: 'desc' }, 'deferPriority.attribute'],
      ['points', 'deferPriority'],
    ] as const) {
      const response = await create(bad);
      expect(response.status).toBe(400);
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const created = await create({ attribute: 'points', order: 'desc' });
    expect(created.status).toBe(201);
    expect(created.body.deferPriority).toEqual({ attribute: 'points', order: 'desc' });
    const campaignId = created.body.id as string;

    const submitted = await submitCampaign(t, s, campaignId);
    expect(submitted.body.forecast.deferral).toMatchObject({
      now: { recipients: 4 },
      later: { recipients: 6 },
      priority: { attribute: 'points', order: 'desc' },
    });
    await approveCampaign(t, s, campaignId);
    const firstId = await sendNow(t, s, campaignId);
    const service = startServiceProcess({ DATABASE_URL: t.db.url, DISPATCH_POLL_MS: '50', ...clock.env() });
    try {
      const first = await waitForRun(t, s.marketer.token, firstId, FINISHED, 60_000);
      expect(first).toMatchObject({ status: 'completed', progress: { recipients: 4, delivered: 4 } });
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    // 9, 9, 7 and 5 points went now; the rest waits, the two without points at its end.
    const perUser = (await request(sim.url).get(`/_sim/channels/${s.channelId}/deliveries?perUser=true`).expect(200))
      .body.perUser as Record<string, number>;
    expect(Object.keys(perUser).sort()).toEqual([u[1], u[3], u[6], u[0]].sort());
    const rest = (await getRun(t, s.marketer.token, firstId)) as unknown as { deferral: { deferredRunId: string } };
    const restIds = await t.db.pool.query<{ ids: string[] }>(
      'SELECT line_user_ids AS ids FROM run_batches WHERE run_id = $1 ORDER BY batch_no',
      [rest.deferral.deferredRunId],
    );
    const later = restIds.rows.flatMap((row) => row.ids);
    expect(later.slice(0, 4)).toEqual([u[9], u[4], u[7], u[2]]);
    expect(later.slice(4).sort()).toEqual([u[5], u[8]].sort());
  }, 120_000);

  it('refuses defer on a recurring campaign, naming the field', async () => {
    const s = await sendingScenario(t, sim, { followers: 10 });
    const response = await postCampaign(t, s, {
      name: 'Weekly',
      messages: [{ type: 'text', text: 'Weekly news' }],
      schedule: { cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: '2027-06-30T00:00:00+08:00' },
      overBudgetPolicy: 'defer',
    }).expect(400);
    expect(response.body.details).toContainEqual(expect.objectContaining({ field: 'overBudgetPolicy' }));
  });
});
