import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import {
  approvedCampaign,
  SendingScenario,
  sendingScenario,
  sendNow,
  simulatorTotals,
  waitForRun,
} from './support/dispatch-fixture';
import { TestClock } from './support/test-clock';

const account = (overrides: Record<string, unknown> = {}) => ({
  name: 'Quiet store',
  channelId: String(1_660_000_000 + Math.floor(Math.random() * 1_000_000)),
  channelAccessToken: 'quiet-access-token',
  channelSecret: 'quiet-channel-secret',
  plan: 'high',
  timezone: 'Asia/Taipei',
  monthlyBudget: '500',
  ...overrides,
});

/** Quiet hours on the LINE account: off by default, "HH:MM" in the account's zone, refused with the field named. */
describe('quiet hours: the account field', () => {
  const clock = new TestClock('2027-03-15T04:00:00Z'); // 12:00 in Taipei
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, undefined, { clock });
  });
  afterAll(() => t.close());

  it('is off by default, set and cleared by an admin, and audited', async () => {
    const created = await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account()).expect(201);
    expect(created.body.quietHours).toBeNull();
    const set = await t
      .http()
      .patch(`/api/v1/line-accounts/${created.body.id}`)
      .set(bearer(t.adminToken))
      .send({ version: created.body.version, quietHours: { start: '21:00', end: '09:00' } })
      .expect(200);
    expect(set.body.quietHours).toEqual({ start: '21:00', end: '09:00' });
    const read = await t.http().get(`/api/v1/line-accounts/${created.body.id}`).set(bearer(t.adminToken)).expect(200);
    expect(read.body.quietHours).toEqual({ start: '21:00', end: '09:00' });
    const cleared = await t
      .http()
      .patch(`/api/v1/line-accounts/${created.body.id}`)
      .set(bearer(t.adminToken))
      .send({ version: set.body.version, quietHours: null })
      .expect(200);
    expect(cleared.body.quietHours).toBeNull();
    const { rows } = await t.db.pool.query(
      `SELECT before->'quietHours' AS before, after->'quietHours' AS after FROM audit_events
        WHERE entity_id = $1 AND action = 'line_account.updated' ORDER BY created_at`,
      [created.body.id],
    );
    expect(rows).toEqual([
      { before: null, after: { start: '21:00', end: '09:00' } },
      { before: { start: '21:00', end: '09:00' }, after: null },
    ]);
    const marketer = await t.createUser('marketer');
    await t
      .http()
      .patch(`/api/v1/line-accounts/${created.body.id}`)
      .set(bearer(marketer.token))
      .send({ version: cleared.body.version, quietHours: { start: '21:00', end: '09:00' } })
      .expect(403);
  });

  it('refuses what is not two different 24-hour "HH:MM" times, naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ start: '9:00', end: '09:00' }, 'quietHours.start'],
      [{ start: '21:00', end: '24:00' }, 'quietHours.end'],
      [{ start: '21:60', end: '09:00' }, 'quietHours.start'],
      [{ start: '21:00' }, 'quietHours.end'],
      [{ start: null, end: '09:00' }, 'quietHours.start'],
      [{ start: 2100, end: '09:00' }, 'quietHours.start'],
      [{ start: '21:00', end: '21:00' }, 'quietHours.end'],
      [{ start: '21:00', end: '09:00', zone: 'UTC' }, 'quietHours.zone'],
      ['21:00-09:00', 'quietHours'],
      [[], 'quietHours'],
    ];
    for (const [quietHours, field] of cases) {
      const response = await t
        .http()
        .post('/api/v1/line-accounts')
        .set(bearer(t.adminToken))
        .send(account({ quietHours }));
      expect({ quietHours, status: response.status }).toEqual({ quietHours, status: 400 });
      expect({ quietHours, fields: response.body.details.map((d: { field: string }) => d.field) }).toEqual({
        quietHours,
        fields: [field],
      });
    }
    const equal = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send(account({ quietHours: { start: '21:00', end: '21:00' } }))
      .expect(400);
    expect(equal.body.details[0].problem).toBe('must differ from start (null turns quiet hours off)');
  });
});

const DISPATCH = {
  DISPATCH_ENABLED: 'true',
  DISPATCH_POLL_MS: '50',
  DISPATCH_WORKERS: '2',
  DISPATCH_RETRY_BASE_MS: '20',
  DISPATCH_RETRY_MAX_MS: '200',
  DISPATCH_LEASE_SECONDS: '5',
  // Slow enough that a run of 10 batches is still sending when the test moves the clock into quiet hours.
  DISPATCH_REQUESTS_PER_SECOND: '5',
  LINE_TIMEOUT_MS: '2000',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs against the simulator with the clock under the test's control: 21:00–09:00 in Taipei (+08:00). */
describe('quiet hours: runs wait, pause and resume, each recipient once', () => {
  // 2027-03-15 20:00 in Taipei.
  const clock = new TestClock('2027-03-15T12:00:00Z');
  let t: TestApp;
  let sim: LineSimulatorHandle;
  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'quiet-hours-e2e' });
    t = await createTestApp(DISPATCH, undefined, { clock });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  async function withQuietHours(s: SendingScenario, quietHours: object | null): Promise<void> {
    const current = await t.http().get(`/api/v1/line-accounts/${s.accountId}`).set(bearer(t.adminToken)).expect(200);
    await t
      .http()
      .patch(`/api/v1/line-accounts/${s.accountId}`)
      .set(bearer(t.adminToken))
      .send({ version: current.body.version, quietHours })
      .expect(200);
  }

  const run = async (s: SendingScenario, runId: string) =>
    (await t.http().get(`/api/v1/runs/${runId}`).set(bearer(s.marketer.token)).expect(200)).body;

  it('a scheduled run due inside quiet hours waits and says so, then sends when the clock passes their end', async () => {
    clock.set('2027-03-15T12:00:00Z'); // 20:00
    const s = await sendingScenario(t, sim, { followers: 1200 });
    await withQuietHours(s, { start: '21:00', end: '09:00' });
    const created = await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(s.marketer.token))
      .send({
        lineAccountId: s.accountId,
        audienceId: s.audienceId,
        name: 'Late-night flash sale',
        messages: [{ type: 'text', text: 'Flash sale!' }],
        schedule: { at: '2027-03-15T22:30:00+08:00' },
      })
      .expect(201);
    await t
      .http()
      .post(`/api/v1/campaigns/${created.body.id}/submit`)
      .set(bearer(s.marketer.token))
      .send({})
      .expect(200);
    await t
      .http()
      .post(`/api/v1/campaigns/${created.body.id}/approve`)
      .set(bearer(s.approver.token))
      .send({})
      .expect(200);
    const runs = await t
      .http()
      .get(`/api/v1/campaigns/${created.body.id}/runs`)
      .set(bearer(s.marketer.token))
      .expect(200);
    const runId = runs.body.items[0].id as string;
    expect(runs.body.items[0]).toMatchObject({ status: 'scheduled', statusDetail: null, waitingUntil: null });

    clock.set('2027-03-15T14:31:00Z'); // 22:31: due, and quiet
    await sleep(1000); // twenty scheduler polls
    expect(await run(s, runId)).toMatchObject({
      status: 'scheduled',
      statusDetail: 'waiting for quiet hours to end at 09:00 +08:00',
      // The same as a code with its figures, for the console to word in zh-TW.
      statusDetails: [
        {
          code: 'quiet_hours.waiting',
          params: { at: '09:00 +08:00' },
          text: 'waiting for quiet hours to end at 09:00 +08:00',
        },
      ],
      waitingUntil: '2027-03-16T01:00:00.000Z',
      progress: { delivered: 0 },
    });
    expect((await simulatorTotals(sim, s.channelId)).totalDeliveries).toBe(0);

    clock.set('2027-03-16T00:59:00Z'); // 08:59: still quiet
    await sleep(500);
    expect((await run(s, runId)).status).toBe('scheduled');

    clock.set('2027-03-16T01:00:00Z'); // 09:00
    const done = await waitForRun(t, s.marketer.token, runId, ['completed', 'partial', 'failed', 'blocked']);
    expect(done).toMatchObject({ status: 'completed', statusDetail: null, progress: { delivered: 1200 } });
    expect(new Date((done as unknown as { startedAt: string }).startedAt).getTime()).toBeGreaterThanOrEqual(
      Date.parse('2027-03-16T01:00:00Z'),
    );
    expect(await simulatorTotals(sim, s.channelId)).toMatchObject({
      totalDeliveries: 1200,
      distinctRecipients: 1200,
      repeatedRecipients: [],
    });
  });

  it('a run still sending when quiet hours begin pauses between batches and resumes when they end, each recipient once', async () => {
    clock.set('2027-03-16T12:00:00Z'); // 20:00
    const s = await sendingScenario(t, sim, { followers: 5000 });
    await withQuietHours(s, { start: '21:00', end: '09:00' });
    const runId = await sendNow(t, s, await approvedCampaign(t, s));
    await waitForRun(t, s.marketer.token, runId, ['sending']);
    // A few batches out, then quiet hours begin.
    for (let r = await run(s, runId); r.progress.batchesDone < 2; r = await run(s, runId)) await sleep(50);
    clock.set('2027-03-16T13:00:00Z'); // 21:00
    await sleep(1500); // a batch in flight finishes; no new one starts
    const paused = await run(s, runId);
    expect(paused).toMatchObject({
      status: 'sending',
      statusDetail: 'paused between batches for quiet hours; resumes at 09:00 +08:00',
      statusDetails: [{ code: 'quiet_hours.paused', params: { at: '09:00 +08:00' } }],
      waitingUntil: '2027-03-17T01:00:00.000Z',
    });
    expect(paused.progress.batchesDone).toBeLessThan(10);
    const atPause = await simulatorTotals(sim, s.channelId);
    expect(atPause.totalDeliveries).toBe(paused.progress.delivered);
    expect(atPause.totalDeliveries % 500).toBe(0); // whole batches: none was cut mid-request
    await sleep(1500);
    expect((await simulatorTotals(sim, s.channelId)).totalDeliveries).toBe(atPause.totalDeliveries);
    expect((await run(s, runId)).progress.batchesDone).toBe(paused.progress.batchesDone);

    clock.set('2027-03-17T01:00:00Z'); // 09:00
    const done = await waitForRun(t, s.marketer.token, runId, ['completed', 'partial', 'failed', 'blocked']);
    expect(done).toMatchObject({
      status: 'completed',
      statusDetail: null,
      progress: { recipients: 5000, batches: 10, batchesDone: 10, delivered: 5000, failed: 0 },
    });
    expect(await simulatorTotals(sim, s.channelId)).toMatchObject({
      totalDeliveries: 5000,
      distinctRecipients: 5000,
      repeatedRecipients: [],
    });
  });

  it("a campaign's forecast says when the quiet hours are in force now and until when (send-now's instant), null outside them", async () => {
    // Between the tests around it on the shared clock, which only moves forward.
    clock.set('2027-03-17T12:30:00Z'); // 20:30 in Taipei
    const s = await sendingScenario(t, sim, { followers: 5 });
    await withQuietHours(s, { start: '21:00', end: '09:00' });
    const campaignId = await approvedCampaign(t, s);
    const forecast = async () =>
      (await t.http().get(`/api/v1/campaigns/${campaignId}/forecast`).set(bearer(s.marketer.token)).expect(200)).body;
    expect((await forecast()).quietHoursNow).toBeNull();
    clock.set('2027-03-17T13:30:00Z'); // 21:30
    expect((await forecast()).quietHoursNow).toEqual({
      start: '21:00',
      end: '09:00',
      timezone: 'Asia/Taipei',
      until: '2027-03-18T01:00:00.000Z',
      untilLocal: '2027-03-18 09:00 +08:00',
    });
    // The same instant send-now answers with.
    const refused = await t
      .http()
      .post(`/api/v1/campaigns/${campaignId}/send-now`)
      .set(bearer(s.approver.token))
      .send({})
      .expect(422);
    expect(refused.body.sendsAt).toBe('2027-03-18T01:00:00.000Z');
  });

  it('send-now inside quiet hours is refused with the time it would go; an approver may override, with a reason, audited', async () => {
    clock.set('2027-03-17T14:00:00Z'); // 22:00
    const s = await sendingScenario(t, sim, { followers: 600 });
    await withQuietHours(s, { start: '21:00', end: '09:00' });
    const campaignId = await approvedCampaign(t, s);
    const sendNowWith = (token: string, body: object) =>
      t.http().post(`/api/v1/campaigns/${campaignId}/send-now`).set(bearer(token)).send(body);

    const refused = await sendNowWith(s.approver.token, {}).expect(422);
    expect(refused.body).toMatchObject({
      message: "this send would go at 2027-03-18 09:00 +08:00, when the account's quiet hours end",
      sendsAt: '2027-03-18T01:00:00.000Z',
      sendsAtLocal: '2027-03-18 09:00 +08:00',
      details: [{ field: 'overrideQuietHours', problem: expect.stringContaining('21:00–09:00, Asia/Taipei') }],
    });
    // Refused means nothing happened: no run, the campaign still approved.
    const runs = await t.http().get(`/api/v1/campaigns/${campaignId}/runs`).set(bearer(s.marketer.token)).expect(200);
    expect(runs.body.items).toEqual([]);
    await sendNowWith(s.marketer.token, { overrideQuietHours: true, reason: 'I say so' }).expect(403);
    const noReason = await sendNowWith(s.approver.token, { overrideQuietHours: true }).expect(400);
    expect(noReason.body.details).toEqual([
      { field: 'reason', problem: expect.stringContaining('override quiet hours') },
    ]);
    await sendNowWith(s.approver.token, { overrideQuietHours: 'yes' }).expect(400);

    const sent = await sendNowWith(s.approver.token, {
      overrideQuietHours: true,
      reason: 'Store closes tomorrow: the recall notice cannot wait',
    }).expect(202);
    expect(sent.body).toMatchObject({ quietHoursOverride: true, statusDetail: null });
    const done = await waitForRun(t, s.marketer.token, sent.body.id, ['completed', 'partial', 'failed', 'blocked']);
    expect(done).toMatchObject({ status: 'completed', progress: { delivered: 600 } });
    expect(await simulatorTotals(sim, s.channelId)).toMatchObject({ totalDeliveries: 600, distinctRecipients: 600 });

    const audit = await t
      .http()
      .get(`/api/v1/audit?entityType=campaign&entityId=${campaignId}&action=campaign.quiet_hours_overridden`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'campaign.quiet_hours_overridden',
        actor: expect.objectContaining({ id: s.approver.id }),
        reason: 'Store closes tomorrow: the recall notice cannot wait',
        after: expect.objectContaining({
          run: { id: sent.body.id },
          quietHours: { start: '21:00', end: '09:00' },
          quietUntil: '2027-03-18T01:00:00.000Z',
        }),
      }),
    ]);
  });
});
