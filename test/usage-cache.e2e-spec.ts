import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import { approvedScheduledCampaign } from './support/campaign-fixture';
import { TestClock } from './support/test-clock';

const channelId = '1650001777';
const accessToken = 'usage-cache-access-token';
const userId = (i: number) => `U${i.toString(16).padStart(32, '0')}`;

/**
 * The month's usage is computed with caches of its expensive parts (README, "API latency"), each
 * keyed on what the request read from PostgreSQL. Two instances of the service on one database,
 * each with its caches warm: a change made through one is in the very next usage read of the
 * other, and a warm instance answers exactly what a fresh one (no cache yet) answers.
 */
describe("the month's usage, cached", () => {
  // Frozen, so that a warm and a fresh instance read the same instant.
  const clock = new TestClock('2027-03-02T00:00:00Z', { frozen: true }); // 08:00 on 2 March in Taipei
  let one: TestApp;
  let two: TestApp;
  let sim: LineSimulatorHandle;
  let accountId: string;
  let marketer: { token: string };
  let approver: { token: string };

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'usage-cache-e2e' });
    await request(sim.url)
      .put(`/_sim/channels/${channelId}`)
      .send({ accessToken, quota: { type: 'limited', value: 100_000 }, consumption: 100 })
      .expect(201);
    one = await createTestApp({}, undefined, { clock });
    two = await createTestApp({}, one, { clock });
    accountId = (
      await one
        .http()
        .post('/api/v1/line-accounts')
        .set(bearer(one.adminToken))
        .send({
          name: 'Usage cache OA',
          channelId,
          channelAccessToken: accessToken,
          channelSecret: 'usage-cache-secret',
          plan: 'high',
          monthlyBudget: '5000',
          apiBaseUrl: sim.url,
        })
        .expect(201)
    ).body.id;
    [marketer, approver] = await Promise.all([one.createUser('marketer'), one.createUser('approver')]);
    await one
      .http()
      .put(`/api/v1/line-accounts/${accountId}/contacts`)
      .set(bearer(marketer.token))
      .send({
        contacts: Array.from({ length: 40 }, (_, i) => ({
          lineUserId: userId(i + 1),
          tags: i % 4 === 0 ? ['vip'] : [],
          status: 'following',
        })),
      })
      .expect(200);
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
    await sim?.close();
  });

  const usage = async (t: TestApp) =>
    (await t.http().get(`/api/v1/line-accounts/${accountId}/usage`).set(bearer(t.adminToken)).expect(200)).body;
  const scheduled = async (t: TestApp) => (await usage(t)).projection.scheduled;

  const approvedCampaign = (t: TestApp, name: string, definition: object, schedule: object) =>
    approvedScheduledCampaign(
      t,
      { accountId, marketerToken: marketer.token, approverToken: approver.token },
      name,
      definition,
      schedule,
    );

  it('shows a run scheduled through the other instance in the very next read', async () => {
    // Mondays at 10:00 in Taipei: 8, 15, 22 and 29 March.
    const weekly = await approvedCampaign(
      one,
      'Weekly VIP note',
      { tag: 'vip' },
      {
        cron: '0 10 * * 1',
        timezone: 'Asia/Taipei',
        until: '2027-06-30T00:00:00Z',
      },
    );
    // Both instances read it (and keep what they computed).
    for (const t of [one, two]) {
      expect(await scheduled(t)).toEqual({
        messages: 4 * 10,
        campaigns: [expect.objectContaining({ campaignId: weekly, sends: 4, messages: 40 })],
      });
    }
    // Through instance two: a daily campaign, 10:00 from 2 to 31 March (30 sends).
    const daily = await approvedCampaign(
      two,
      'Daily note',
      { all: [] },
      {
        cron: '0 10 * * *',
        timezone: 'Asia/Taipei',
        until: '2027-06-30T00:00:00Z',
      },
    );
    for (const t of [one, two]) {
      const now = await scheduled(t);
      expect(now.messages).toBe(40 + 30 * 40);
      expect(now.campaigns).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ campaignId: weekly, sends: 4 }),
          expect.objectContaining({
            campaignId: daily,
            sends: 30,
            firstAt: '2027-03-02T02:00:00.000Z',
            lastAt: '2027-03-31T02:00:00.000Z',
          }),
        ]),
      );
    }
    // Paused through instance one: its runs wait, and instance two's next read leaves it out.
    await one.http().post(`/api/v1/campaigns/${daily}/pause`).set(bearer(approver.token)).send({}).expect(200);
    expect((await scheduled(two)).messages).toBe(40);
    await one.http().post(`/api/v1/campaigns/${daily}/resume`).set(bearer(approver.token)).send({}).expect(200);
    expect((await scheduled(two)).messages).toBe(40 + 30 * 40);
    // The audience grows through instance one: the other's next read counts it.
    await one
      .http()
      .put(`/api/v1/line-accounts/${accountId}/contacts`)
      .set(bearer(marketer.token))
      .send({ contacts: [{ lineUserId: userId(1000), tags: ['vip'], status: 'following' }] })
      .expect(200);
    expect((await scheduled(two)).messages).toBe(4 * 11 + 30 * 41);
  });

  it("shows LINE's new count, synced through the other instance, in the very next read", async () => {
    const before = await usage(two);
    await request(sim.url).put(`/_sim/channels/${channelId}/consumption`).send({ totalUsage: 900 }).expect(200);
    await one.http().post(`/api/v1/line-accounts/${accountId}/quota-sync`).set(bearer(one.adminToken)).expect(200);
    const after = await usage(two);
    expect(after.used).toBe(900);
    expect(after.projection.sentSoFar).toBe(900);
    expect(after.projection.endOfMonthMessages).toBe(before.projection.endOfMonthMessages - before.used + 900);
  });

  it("counts an audience again once any statement changed the account's contacts, whoever wrote it", async () => {
    const audience = (
      await one
        .http()
        .post('/api/v1/audiences')
        .set(bearer(marketer.token))
        .send({ lineAccountId: accountId, name: 'VIPs, counted', definition: { tag: 'vip' } })
        .expect(201)
    ).body.id;
    const size = async (t: TestApp) =>
      (await t.http().get(`/api/v1/audiences/${audience}/size`).set(bearer(marketer.token)).expect(200)).body;
    const vip = userId(1000);
    expect((await size(two)).recipients).toBe(11); // 10 tagged at the start and the one added above
    expect((await size(two)).recipients).toBe(11); // warm

    // Through the API on the other instance: blocked.
    await one
      .http()
      .put(`/api/v1/line-accounts/${accountId}/contacts`)
      .set(bearer(marketer.token))
      .send({ contacts: [{ lineUserId: vip, tags: ['vip'], status: 'blocked' }] })
      .expect(200);
    expect(await size(two)).toMatchObject({ recipients: 10, excluded: { blocked: 1 } });
    // Any other writer of the table (a script, an older build): its statements move the counter too.
    await one.db.pool.query(`UPDATE contacts SET status = 'following' WHERE line_user_id = $1`, [vip]);
    expect(await size(two)).toMatchObject({ recipients: 11, excluded: { blocked: 0 } });
    await one.db.pool.query(`DELETE FROM contacts WHERE line_user_id = $1`, [vip]);
    expect((await size(two)).recipients).toBe(10);
    await one.db.pool.query(
      `INSERT INTO contacts (id, line_account_id, line_user_id, tags, status, updated_at)
       VALUES (gen_random_uuid(), $1, $2, '{vip}', 'following', now())`,
      [accountId, vip],
    );
    expect((await size(two)).recipients).toBe(11);

    // What the counter is for: a write that doesn't move it (its trigger off) is not seen by a warm
    // instance, which shows the count is reused; a fresh one counts it.
    await one.db.pool.query('ALTER TABLE contacts DISABLE TRIGGER contacts_updated');
    try {
      await one.db.pool.query(`UPDATE contacts SET status = 'unfollowed' WHERE line_user_id = $1`, [vip]);
      expect((await size(two)).recipients).toBe(11);
      const fresh = await createTestApp({}, one, { clock });
      try {
        expect((await size(fresh)).recipients).toBe(10);
      } finally {
        await fresh.close();
      }
    } finally {
      await one.db.pool.query('ALTER TABLE contacts ENABLE TRIGGER contacts_updated');
    }
    await one.db.pool.query(`UPDATE contacts SET status = 'following' WHERE line_user_id = $1`, [vip]);
    expect((await size(two)).recipients).toBe(11);
  });

  it('answers from warm caches exactly what a fresh instance answers, as the month goes on', async () => {
    for (const at of ['2027-03-02T00:00:00Z', '2027-03-16T03:00:00Z', '2027-03-31T15:59:00Z']) {
      clock.set(at);
      const warm = await usage(two);
      const fresh = await createTestApp({}, one, { clock });
      try {
        expect(warm).toEqual(await usage(fresh));
      } finally {
        await fresh.close();
      }
    }
  });

  it('counts again after a TRUNCATE of the contacts, which has no rows for a statement trigger to see', async () => {
    const audience = (
      await one
        .http()
        .post('/api/v1/audiences')
        .set(bearer(marketer.token))
        .send({ lineAccountId: accountId, name: 'Everyone, counted', definition: { all: [] } })
        .expect(201)
    ).body.id;
    const size = async (t: TestApp) =>
      (await t.http().get(`/api/v1/audiences/${audience}/size`).set(bearer(marketer.token)).expect(200)).body
        .recipients;
    expect(await size(two)).toBeGreaterThan(0);
    await one.db.pool.query('TRUNCATE contacts');
    expect(await size(two)).toBe(0);
  });
});
