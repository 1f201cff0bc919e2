import { createHash } from 'node:crypto';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import request from 'supertest';
import {
  approvedCampaign,
  sendingScenario,
  SendingScenario,
  sendNowResponse,
  simulatorTotals,
  waitForRun,
} from './support/dispatch-fixture';
import { TestClock } from './support/test-clock';

const FAST_DISPATCH = {
  DISPATCH_ENABLED: 'true',
  DISPATCH_POLL_MS: '50',
  DISPATCH_WORKERS: '4',
  DISPATCH_RETRY_BASE_MS: '20',
  DISPATCH_RETRY_MAX_MS: '200',
  LINE_TIMEOUT_MS: '2000',
};

/** Frequency caps: at most N campaign sends per contact in a rolling window, decided at the budget gate. */
describe('frequency caps', () => {
  const clock = new TestClock('2027-05-03T02:00:00Z');
  let t: TestApp;
  let sim: LineSimulatorHandle;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'frequency-caps-e2e' });
    t = await createTestApp(FAST_DISPATCH, undefined, { clock });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const admin = () => bearer(t.adminToken);
  const account = async (id: string) =>
    (await t.http().get(`/api/v1/line-accounts/${id}`).set(admin()).expect(200)).body;
  const setAccountCap = async (id: string, frequencyCap: { messages: number; days: number } | null) => {
    const { version } = await account(id);
    return t.http().patch(`/api/v1/line-accounts/${id}`).set(admin()).send({ version, frequencyCap });
  };

  describe('the fields', () => {
    let s: SendingScenario;
    beforeAll(async () => {
      s = await sendingScenario(t, sim, { followers: 3 });
    });

    it('an account has no cap until an admin sets one; null removes it', async () => {
      expect((await account(s.accountId)).frequencyCap).toBeNull();
      const set = await setAccountCap(s.accountId, { messages: 2, days: 7 });
      expect(set.status).toBe(200);
      expect(set.body.frequencyCap).toEqual({ messages: 2, days: 7 });
      expect((await account(s.accountId)).frequencyCap).toEqual({ messages: 2, days: 7 });
      expect((await setAccountCap(s.accountId, null)).body.frequencyCap).toBeNull();
    });

    it('refuses a cap out of range or half given, naming the field', async () => {
      for (const [cap, field] of [
        [{ messages: 0, days: 7 }, 'frequencyCap.messages'],
        [{ messages: 2, days: 91 }, 'frequencyCap.days'],
        [{ messages: 2 }, 'frequencyCap.days'],
        [{ messages: 1.5, days: 7 }, 'frequencyCap.messages'],
      ] as const) {
        const response = await setAccountCap(s.accountId, cap as never);
        expect(response.status).toBe(400);
        expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
      const bad = await t
        .http()
        .patch(`/api/v1/line-accounts/${s.accountId}`)
        .set(admin())
        .send({ version: (await account(s.accountId)).version, frequencyCap: 'none' });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('frequencyCap');
    });

    it("a campaign follows the account's cap (absent or null), sets its own, or none", async () => {
      const create = (frequencyCap?: unknown) =>
        t
          .http()
          .post('/api/v1/campaigns')
          .set(bearer(s.marketer.token))
          .send({
            lineAccountId: s.accountId,
            audienceId: s.audienceId,
            name: 'Capped',
            messages: [{ type: 'text', text: 'hello' }],
            ...(frequencyCap === undefined ? {} : { frequencyCap }),
          });
      expect((await create()).body.frequencyCap).toBeNull();
      expect((await create(null)).body.frequencyCap).toBeNull();
      expect((await create('none')).body.frequencyCap).toBe('none');
      const own = await create({ messages: 1, days: 3 });
      expect(own.status).toBe(201);
      expect(own.body.frequencyCap).toEqual({ messages: 1, days: 3 });

      const patched = await t
        .http()
        .patch(`/api/v1/campaigns/${own.body.id}`)
        .set(bearer(s.marketer.token))
        .send({ version: own.body.version, frequencyCap: null });
      expect(patched.status).toBe(200);
      expect(patched.body.frequencyCap).toBeNull();

      for (const value of ['off', 3, { messages: 1, days: 0 }, { messages: 1 }]) {
        const response = await create(value);
        expect(response.status).toBe(400);
        expect(response.body.details.map((d: { field: string }) => d.field.split('.')[0])).toContain('frequencyCap');
      }
    });
  });

  const DAY = 24 * 60 * 60 * 1000;
  const advance = (ms: number) => clock.set(new Date(clock.now().getTime() + ms).toISOString());

  /** LINE user id → campaign sends the simulator delivered to it. */
  const deliveriesPerUser = async (channelId: string): Promise<Record<string, number>> =>
    (await request(sim.url).get(`/_sim/channels/${channelId}/deliveries?perUser=true`).expect(200)).body.perUser;

  const followers = async (s: SendingScenario): Promise<string[]> =>
    (
      await t.http().get(`/api/v1/line-accounts/${s.accountId}/contacts?limit=500`).set(bearer(s.marketer.token))
    ).body.items.map((c: { lineUserId: string }) => c.lineUserId);

  const listAudience = async (s: SendingScenario, ids: string[]) =>
    (
      await t
        .http()
        .post('/api/v1/audiences')
        .set(bearer(s.marketer.token))
        .send({ lineAccountId: s.accountId, name: `list ${ids.length}`, definition: { list: ids } })
        .expect(201)
    ).body.id as string;

  /** A campaign to `audienceId`, approved, sent now; the finished run. */
  const send = async (s: SendingScenario, audienceId: string) => {
    const campaignId = await approvedCampaign(t, { ...s, audienceId });
    const { run } = await sendNowResponse(t, s, campaignId);
    return waitForRun(t, s.marketer.token, run.id, ['completed', 'partial', 'failed', 'blocked']);
  };

  it('leaves out the contacts at their cap, counted by real earlier sends, and the window rolls with the clock', async () => {
    const s = await sendingScenario(t, sim, { followers: 6 });
    const u = (await followers(s)).sort();
    expect(u).toHaveLength(6);
    expect((await setAccountCap(s.accountId, { messages: 2, days: 7 })).status).toBe(200);

    // Day 0: u0 u1 u2; day 1: u0 u1 u3. Now u0 and u1 have had 2 sends in 7 days.
    expect((await send(s, await listAudience(s, [u[0], u[1], u[2]]))).progress).toMatchObject({ delivered: 3 });
    advance(DAY);
    expect((await send(s, await listAudience(s, [u[0], u[1], u[3]]))).progress).toMatchObject({ delivered: 3 });
    advance(DAY);

    const size = (await t.http().get(`/api/v1/audiences/${s.audienceId}/size`).set(bearer(s.marketer.token))).body;
    expect(size).toMatchObject({
      recipients: 4,
      excluded: { blocked: 0, unfollowed: 0, frequencyCap: 2 },
      frequencyCap: { messages: 2, days: 7 },
    });
    const everyone = await approvedCampaign(t, s, { name: 'Day 2 to everyone' });
    const forecast = (
      await t.http().get(`/api/v1/campaigns/${everyone}/forecast`).set(bearer(s.marketer.token)).expect(200)
    ).body;
    expect(forecast).toMatchObject({ recipients: 4, excluded: { frequencyCap: 2 }, frequencyCap: { messages: 2 } });

    const day2 = await waitForRun(t, s.marketer.token, (await sendNowResponse(t, s, everyone)).run.id, [
      'completed',
      'partial',
      'failed',
    ]);
    expect(day2).toMatchObject({ status: 'completed', progress: { recipients: 4, delivered: 4, frequencyCapped: 2 } });
    expect(await deliveriesPerUser(s.channelId)).toEqual({
      [u[0]]: 2,
      [u[1]]: 2,
      [u[2]]: 2,
      [u[3]]: 2,
      [u[4]]: 1,
      [u[5]]: 1,
    });

    // Day 7 and an hour: day 0's send left the window; u3 (days 1 and 2) is the only one at the cap.
    advance(5 * DAY + 60 * 60 * 1000);
    const later = await send(s, s.audienceId);
    expect(later).toMatchObject({ status: 'completed', progress: { recipients: 5, frequencyCapped: 1 } });
    const perUser = await deliveriesPerUser(s.channelId);
    expect(perUser[u[3]]).toBe(2);
    expect([u[0], u[1], u[2], u[4], u[5]].map((id) => perUser[id])).toEqual([3, 3, 3, 2, 2]);
  });

  it('a campaign with frequencyCap "none" reaches contacts at the account\'s cap; its own cap replaces the account\'s', async () => {
    const s = await sendingScenario(t, sim, { followers: 4 });
    expect((await setAccountCap(s.accountId, { messages: 1, days: 30 })).status).toBe(200);
    expect((await send(s, s.audienceId)).progress).toMatchObject({ delivered: 4 });
    const create = async (frequencyCap: unknown) => {
      const id = await approvedCampaign(t, s, { name: `cap ${JSON.stringify(frequencyCap)}` });
      // Withdraw to edit, then resubmit and approve with the override.
      await t.http().post(`/api/v1/campaigns/${id}/withdraw`).set(bearer(s.marketer.token)).send({}).expect(200);
      const draft = (await t.http().get(`/api/v1/campaigns/${id}`).set(bearer(s.marketer.token))).body;
      await t
        .http()
        .patch(`/api/v1/campaigns/${id}`)
        .set(bearer(s.marketer.token))
        .send({ version: draft.version, frequencyCap })
        .expect(200);
      await t.http().post(`/api/v1/campaigns/${id}/submit`).set(bearer(s.marketer.token)).send({}).expect(200);
      await t.http().post(`/api/v1/campaigns/${id}/approve`).set(bearer(s.approver.token)).send({}).expect(200);
      return id;
    };
    const blockedByAccountCap = await approvedCampaign(t, s, { name: "the account's cap" });
    const r0 = (await sendNowResponse(t, s, blockedByAccountCap)).run;
    expect(r0.progress).toMatchObject({ recipients: 0, frequencyCapped: 4 });

    const none = await create('none');
    const r1 = await waitForRun(t, s.marketer.token, (await sendNowResponse(t, s, none)).run.id, ['completed']);
    expect(r1.progress).toMatchObject({ recipients: 4, frequencyCapped: 0 });
    const own = await create({ messages: 3, days: 30 });
    const r2 = await waitForRun(t, s.marketer.token, (await sendNowResponse(t, s, own)).run.id, ['completed']);
    expect(r2.progress).toMatchObject({ recipients: 4, frequencyCapped: 0 });
    const tight = await create({ messages: 3, days: 30 });
    const r3 = (await sendNowResponse(t, s, tight)).run;
    expect(r3.progress).toMatchObject({ recipients: 0, frequencyCapped: 4 });
    expect(Object.values(await deliveriesPerUser(s.channelId))).toEqual([3, 3, 3, 3]);
  });

  it('two runs gated at the same moment under a cap of 1: each contact gets exactly one of them', async () => {
    const s = await sendingScenario(t, sim, { followers: 1000 });
    expect((await setAccountCap(s.accountId, { messages: 1, days: 7 })).status).toBe(200);
    const [a, b] = [await approvedCampaign(t, s, { name: 'A' }), await approvedCampaign(t, s, { name: 'B' })];
    const [ra, rb] = await Promise.all([sendNowResponse(t, s, a), sendNowResponse(t, s, b)]);
    const runs = await Promise.all(
      [ra, rb].map((r) => waitForRun(t, s.marketer.token, r.run.id, ['completed', 'partial', 'failed', 'blocked'])),
    );
    expect(runs.map((r) => r.progress.recipients).sort((x, y) => x - y)).toEqual([0, 1000]);
    expect(runs.map((r) => r.progress.frequencyCapped).sort((x, y) => x - y)).toEqual([0, 1000]);
    const seen = await simulatorTotals(sim, s.channelId);
    expect(seen).toMatchObject({ totalDeliveries: 1000, distinctRecipients: 1000, repeatedRecipients: [] });
  });

  it("policy defer under a cap: the capped contacts are left out, the free part is the seed's first, the rest is carried", async () => {
    // The simulator's month is the test's (set before the channel: its consumption is this month's).
    await request(sim.url).put('/_sim/clock').send({ now: clock.now().toISOString() }).expect(200);
    // 9 of the plan's 6,000 free messages left; a cap of 1 in 7 days.
    const s = await sendingScenario(t, sim, { followers: 12, consumption: 5991 });
    const u = (await followers(s)).sort();
    expect(u).toHaveLength(12);
    expect((await setAccountCap(s.accountId, { messages: 1, days: 7 })).status).toBe(200);
    // u0 u1 u2 reach their cap (3 free messages used: 6 left).
    expect((await send(s, await listAudience(s, [u[0], u[1], u[2]]))).progress).toMatchObject({ delivered: 3 });

    const campaignId = await approvedCampaign(t, s, { name: 'Deferred under a cap', overBudgetPolicy: 'defer' });
    const { run } = await sendNowResponse(t, s, campaignId);
    const first = await waitForRun(t, s.marketer.token, run.id, ['completed', 'partial', 'failed', 'blocked']);
    expect(first).toMatchObject({
      status: 'completed',
      progress: { recipients: 6, delivered: 6, frequencyCapped: 3 },
      blockReasons: [{ code: 'deferred' }],
    });
    const { deferral } = first as unknown as { deferral: { seed: string; deferredRunId: string } };
    // The 9 under their cap in md5(seed || user id) order: the first 6 went now, the other 3 wait.
    const order = (id: string) => createHash('md5').update(`${deferral.seed}${id}`).digest('hex');
    const uncapped = u.slice(3).sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : a < b ? -1 : 1));
    const perUser = await deliveriesPerUser(s.channelId);
    expect(Object.keys(perUser).sort()).toEqual([...u.slice(0, 3), ...uncapped.slice(0, 6)].sort());
    expect(Object.values(perUser)).toEqual(Array(9).fill(1));
    const rest = await t.db.pool.query<{ ids: string[] }>(
      'SELECT line_user_ids AS ids FROM run_batches WHERE run_id = $1 ORDER BY batch_no',
      [deferral.deferredRunId],
    );
    expect(rest.rows.flatMap((row) => row.ids)).toEqual(uncapped.slice(6));
  });
  it('a contact waiting in a deferred rest counts against its cap until the rest goes, and no longer once it is cancelled', async () => {
    await request(sim.url).put('/_sim/clock').send({ now: clock.now().toISOString() }).expect(200);
    // 4 of the plan's 6,000 free messages left; a cap of 1 in 30 days, which reaches the reset (1 June).
    const s = await sendingScenario(t, sim, { followers: 10, consumption: 5996 });
    expect((await setAccountCap(s.accountId, { messages: 1, days: 30 })).status).toBe(200);
    const deferred = await approvedCampaign(t, s, { name: 'Deferred', overBudgetPolicy: 'defer' });
    const { run } = await sendNowResponse(t, s, deferred);
    const first = await waitForRun(t, s.marketer.token, run.id, ['completed', 'partial', 'failed', 'blocked']);
    expect(first).toMatchObject({ status: 'completed', progress: { recipients: 4, delivered: 4 } });
    const restId = (first as unknown as { deferral: { deferredRunId: string } }).deferral.deferredRunId;
    expect((await t.http().get(`/api/v1/runs/${restId}`).set(bearer(s.marketer.token))).body).toMatchObject({
      status: 'scheduled',
      progress: { recipients: 6 },
    });

    // The 4 who got it and the 6 it is coming to are all at their cap: another campaign reaches nobody.
    const size = async () =>
      (await t.http().get(`/api/v1/audiences/${s.audienceId}/size`).set(bearer(s.marketer.token))).body;
    expect(await size()).toMatchObject({ recipients: 0, excluded: { frequencyCap: 10 } });
    const other = await approvedCampaign(t, s, { name: 'Another capped campaign' });
    const second = await waitForRun(t, s.marketer.token, (await sendNowResponse(t, s, other)).run.id, [
      'completed',
      'partial',
      'failed',
      'blocked',
    ]);
    expect(second.progress).toMatchObject({ recipients: 0, frequencyCapped: 10 });
    expect(Object.keys(await deliveriesPerUser(s.channelId))).toHaveLength(4);

    // Cancelled, the rest won't come: its 6 are under their cap again.
    await t.http().post(`/api/v1/campaigns/${deferred}/cancel`).set(bearer(s.approver.token)).send({}).expect(200);
    expect((await t.http().get(`/api/v1/runs/${restId}`).set(bearer(s.marketer.token))).body.status).toBe('cancelled');
    expect(await size()).toMatchObject({ recipients: 6, excluded: { frequencyCap: 4 } });
  });
});
