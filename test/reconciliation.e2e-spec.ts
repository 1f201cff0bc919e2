import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import { approvedCampaign, sendingScenario, SendingScenario, sendNow, waitForRun } from './support/dispatch-fixture';
import { TestClock } from './support/test-clock';

const FAST_DISPATCH = {
  DISPATCH_ENABLED: 'true',
  DISPATCH_POLL_MS: '50',
  DISPATCH_RETRY_BASE_MS: '20',
  DISPATCH_RETRY_MAX_MS: '200',
  LINE_TIMEOUT_MS: '5000',
};

/** `U` + n as 32 hex digits: ids LINE doesn't know (no follower of the channel has one). */
const stranger = (n: number) => 'U' + 'f'.repeat(8) + n.toString(16).padStart(24, '0');

interface UsageDay {
  day: string;
  kind: string;
  accepted: number;
  status: string | null;
  counted: number | null;
  countedAtMost: number | null;
  difference: number | null;
  ledger: number;
}

/**
 * The month ledger follows LINE's per-day delivery counts once LINE reports a day as ready, and
 * never drops below LINE's consumption reading or what is reserved and not yet reported.
 * Service and simulator clocks move together, far from midnight in UTC+9.
 */
describe("reconciling the month ledger with LINE's delivery counts", () => {
  const clock = new TestClock('2026-12-10T03:00:00Z'); // 12:00 in UTC+9, 11:00 in Taipei
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let s: SendingScenario;
  let strangers: string;

  const moveTo = async (instant: string) => {
    clock.set(instant);
    await request(sim.url).put('/_sim/clock').send({ now: instant }).expect(200);
  };
  const usage = async () =>
    (await t.http().get(`/api/v1/line-accounts/${s.accountId}/usage`).set(bearer(t.adminToken)).expect(200)).body as {
      used: number;
      reserved: number;
      remainingFree: number;
      freeQuota: number;
      days: UsageDay[];
      line: { consumption: number };
    };
  const sync = async () =>
    (await t.http().post(`/api/v1/line-accounts/${s.accountId}/quota-sync`).set(bearer(t.adminToken)).expect(200)).body;
  const send = async (audienceId: string) => {
    const campaignId = await approvedCampaign(t, { ...s, audienceId });
    const run = await waitForRun(t, s.marketer.token, await sendNow(t, { ...s, audienceId }, campaignId), [
      'completed',
      'partial',
      'failed',
    ]);
    expect(run.status).toBe('completed');
    return run;
  };

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'reconciliation-e2e' });
    await request(sim.url).put('/_sim/clock').send({ now: clock.now().toISOString() }).expect(200);
    t = await createTestApp(FAST_DISPATCH, undefined, { clock });
    // 30 followers imported as contacts, and 98 contacts LINE doesn't know (imported from elsewhere).
    s = await sendingScenario(t, sim, { followers: 30, plan: 'high' });
    await t
      .http()
      .put(`/api/v1/line-accounts/${s.accountId}/contacts`)
      .set(bearer(s.marketer.token))
      .send({ contacts: Array.from({ length: 98 }, (_, i) => ({ lineUserId: stranger(i), tags: ['imported'] })) })
      .expect(200);
    strangers = (
      await t
        .http()
        .post('/api/v1/audiences')
        .set(bearer(s.marketer.token))
        .send({ lineAccountId: s.accountId, name: 'Imported', definition: { tag: 'imported' } })
        .expect(201)
    ).body.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('counts accepted messages until LINE reports the day, then what LINE counted; never below consumption', async () => {
    // 10 December: 128 accepted (30 followers and the 98 LINE doesn't know); LINE delivers to 30.
    const first = await send(s.audienceId);
    expect(first.progress.delivered).toBe(128);
    let sync1 = await sync();
    expect(sync1.consumption).toEqual({ totalUsage: 30 });
    expect(sync1.reconciliation).toMatchObject({
      daysRead: 1,
      daysReady: 0,
      ledgerUsedBefore: 128,
      ledgerUsedAfter: 128,
    });
    let month = await usage();
    // LINE hasn't counted the day: the accepted count stands, above LINE's consumption of 30.
    expect(month.used).toBe(128);
    expect(month.days).toEqual([
      expect.objectContaining({
        day: '2026-12-10',
        kind: 'multicast',
        accepted: 128,
        status: 'unready',
        counted: null,
        ledger: 128,
      }),
    ]);

    // 11 December: LINE has counted the 10th (30); today's send goes only to the 98 it doesn't know.
    await moveTo('2026-12-11T03:00:00Z');
    const second = await send(strangers);
    // Its forecast read LINE first (the reading was a day old), so the gate already saw 30, not 128.
    expect((second as unknown as { forecast: { quota: { used: number } } }).forecast.quota.used).toBe(30);
    sync1 = await sync();
    expect(sync1.reconciliation).toMatchObject({ daysRead: 1, daysReady: 0, ledgerUsedAfter: 128 });
    month = await usage();
    expect(month.days).toEqual([
      expect.objectContaining({
        day: '2026-12-10',
        accepted: 128,
        status: 'ready',
        counted: 30,
        difference: 98,
        ledger: 30,
      }),
      expect.objectContaining({ day: '2026-12-11', accepted: 98, status: 'unready', counted: null, ledger: 98 }),
    ]);
    expect(month.used).toBe(128); // 30 counted + 98 accepted and not yet reported
    expect(month.remainingFree).toBe(6000 - 128);

    // 12 December: LINE reports the 11th as fewer than 20 (it delivered none): at most 19 count.
    await moveTo('2026-12-12T03:00:00Z');
    sync1 = await sync();
    expect(sync1.reconciliation).toMatchObject({ daysRead: 1, ledgerUsedBefore: 128, ledgerUsedAfter: 49 });
    month = await usage();
    expect(month.days[1]).toMatchObject({
      status: 'unavailable_for_privacy',
      countedAtMost: 19,
      difference: null,
      ledger: 19,
    });
    expect(month.used).toBe(49);

    // Ready days are not asked again; sends made elsewhere (LINE's consumption 900) keep used at 900.
    const before = (await request(sim.url).get(`/_sim/channels/${s.channelId}/requests`).expect(200)).body.lastSeq;
    await request(sim.url).put(`/_sim/channels/${s.channelId}/consumption`).send({ totalUsage: 900 }).expect(200);
    sync1 = await sync();
    expect(sync1.reconciliation).toMatchObject({ daysRead: 0, ledgerUsedAfter: 49 });
    const asked = (await request(sim.url).get(`/_sim/channels/${s.channelId}/requests?sinceSeq=${before}`).expect(200))
      .body.requests as { endpoint: string }[];
    expect(asked.map((r) => r.endpoint).sort()).toEqual(['consumption', 'quota']);
    month = await usage();
    expect(month.line.consumption).toBe(900);
    expect(month.used).toBe(900);
  });

  it('gives back paid messages and spend that LINE never counted', async () => {
    // Another account of the high plan (6,000 free, then NT$0.2): 30 followers and 6,070 imported
    // contacts LINE doesn't know. One run to all 6,100 is 100 paid messages, NT$20, until LINE counts 30.
    await moveTo('2026-12-20T03:00:00Z');
    const other = await sendingScenario(t, sim, { followers: 30, plan: 'high' });
    await t
      .http()
      .put(`/api/v1/line-accounts/${other.accountId}/contacts`)
      .set(bearer(other.marketer.token))
      .send({ contacts: Array.from({ length: 6070 }, (_, i) => ({ lineUserId: stranger(1000 + i) })) })
      .expect(200);
    const campaignId = await approvedCampaign(t, other);
    const run = await waitForRun(t, other.marketer.token, await sendNow(t, other, campaignId), ['completed', 'failed']);
    expect(run.actual).toMatchObject({ messages: 6100, cost: { amount: '20.0000' } });
    const usageOf = async () =>
      (await t.http().get(`/api/v1/line-accounts/${other.accountId}/usage`).set(bearer(t.adminToken)).expect(200)).body;
    expect(await usageOf()).toMatchObject({ used: 6100, paidMessages: 100, spend: { amount: '20.0000' } });
    await moveTo('2026-12-21T03:00:00Z');
    // A budget gate holds the month row: the sync (its reading, then its reconciliation) waits for it.
    const gate = await t.db.pool.connect();
    let synced = false;
    try {
      await gate.query('BEGIN');
      await gate.query('SELECT 1 FROM account_months WHERE line_account_id = $1 FOR UPDATE', [other.accountId]);
      const syncing = t
        .http()
        .post(`/api/v1/line-accounts/${other.accountId}/quota-sync`)
        .set(bearer(t.adminToken))
        .then((response) => {
          synced = true;
          return response;
        });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(synced).toBe(false);
      const held = await t.db.pool.query('SELECT used_messages FROM account_months WHERE line_account_id = $1', [
        other.accountId,
      ]);
      expect(held.rows[0].used_messages).toBe(6100);
      await gate.query('COMMIT');
      expect((await syncing).status).toBe(200);
    } finally {
      gate.release();
    }
    expect(await usageOf()).toMatchObject({
      used: 30,
      paidMessages: 0,
      spend: { amount: '0.0000' },
      remainingFree: 5970,
      days: [expect.objectContaining({ accepted: 6100, counted: 30, difference: 6070, ledger: 30 })],
    });
  }, 120_000);

  it('keeps what is reserved for a send in flight out of the free quota while the ledger is lowered', async () => {
    await moveTo('2026-12-22T03:00:00Z');
    // LINE is slow to answer: the run's 128 messages stay reserved while the quota sync reconciles.
    await request(sim.url)
      .put(`/_sim/channels/${s.channelId}/faults`)
      .send({ script: [{ kind: 'latency', ms: 3000 }], endpoints: ['multicast'] })
      .expect(200);
    await request(sim.url).put(`/_sim/channels/${s.channelId}/consumption`).send({ totalUsage: 0 }).expect(200);
    const campaignId = await approvedCampaign(t, s);
    const runId = await sendNow(t, s, campaignId);
    await sync();
    const month = await usage();
    expect(month.reserved).toBe(128);
    expect(month.used).toBe(49);
    expect(month.remainingFree).toBe(6000 - 49 - 128);
    await waitForRun(t, s.marketer.token, runId, ['completed']);
    expect((await usage()).used).toBe(49 + 128);
  });
});
