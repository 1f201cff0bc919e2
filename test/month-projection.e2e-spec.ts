import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import { approvedScheduledCampaign } from './support/campaign-fixture';
import { TestClock } from './support/test-clock';

const channelId = '1650001401';
const accessToken = 'projection-access-token';
const userId = (i: number) => `U${i.toString(16).padStart(32, '0')}`;
const DAY = 86_400_000;
// March 2027 in Taipei: 2027-02-28T16:00Z to 2027-03-31T16:00Z.
const monthEnd = new Date('2027-03-31T16:00:00Z').getTime();

/**
 * Issue 14, the month's projection: what was sent, the trend of outside Push traffic between LINE
 * readings, and the scheduled and recurring runs still due at their audiences' sizes, with the clock
 * under the test's control. The account starts like the sandbox: LINE already counted 5,700.
 */
describe("the month's projection", () => {
  const clock = new TestClock('2027-03-02T00:00:00Z'); // 08:00 on 2 March in Taipei
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let accountId: string;
  let marketer: { token: string };
  let approver: { token: string };

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'projection-e2e' });
    await request(sim.url)
      .put(`/_sim/channels/${channelId}`)
      .send({ accessToken, quota: { type: 'limited', value: 10_000 }, consumption: 5700 })
      .expect(201);
    t = await createTestApp({}, undefined, { clock });
    accountId = (
      await t
        .http()
        .post('/api/v1/line-accounts')
        .set(bearer(t.adminToken))
        .send({
          name: 'Projection OA',
          channelId,
          channelAccessToken: accessToken,
          channelSecret: 'projection-secret',
          plan: 'medium',
          monthlyBudget: '500',
          apiBaseUrl: sim.url,
        })
        .expect(201)
    ).body.id;
    [marketer, approver] = await Promise.all([t.createUser('marketer'), t.createUser('approver')]);
    await t
      .http()
      .put(`/api/v1/line-accounts/${accountId}/contacts`)
      .set(bearer(marketer.token))
      .send({
        contacts: Array.from({ length: 200 }, (_, i) => ({
          lineUserId: userId(i + 1),
          tags: i % 4 === 0 ? ['vip'] : [],
          status: 'following',
        })),
      })
      .expect(200);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const usage = async () =>
    (await t.http().get(`/api/v1/line-accounts/${accountId}/usage`).set(bearer(t.adminToken)).expect(200)).body;
  const sync = () =>
    t.http().post(`/api/v1/line-accounts/${accountId}/quota-sync`).set(bearer(t.adminToken)).expect(200);

  const approvedCampaign = (name: string, definition: object, schedule: object) =>
    approvedScheduledCampaign(
      t,
      { accountId, marketerToken: marketer.token, approverToken: approver.token },
      name,
      definition,
      schedule,
    );

  it("projects a fresh account's earlier LINE count as it is, not stretched across the month", async () => {
    await sync();
    const body = await usage();
    expect(body.used).toBe(5700);
    // The old straight-line pace (5,700 in 1⅓ days of 31) said about 132,000.
    expect(body.projection).toMatchObject({
      sentSoFar: 5700,
      reserved: 0,
      outside: { soFar: 5700, observedFrom: null, trend: 0, restOfMonth: 0 },
      scheduled: { messages: 0, campaigns: [] },
      endOfMonthMessages: 5700,
      exceedsPlanLimit: true, // medium's 3,000 free messages, and it can't buy more
    });
    expect(body.projection.limits).toEqual([
      { kind: 'free_quota', limit: '3000', projected: '5700', percent: 190 },
      { kind: 'line_limit', limit: '10000', projected: '5700', percent: 57 },
    ]);
  });

  it('adds each scheduled run and each cron occurrence left this month at its audience size', async () => {
    const once = await approvedCampaign('Spring sale', { all: [] }, { at: '2027-03-20T02:00:00Z' });
    // Mondays at 10:00 in Taipei: 8, 15, 22 and 29 March are left this month (April's don't count).
    const weekly = await approvedCampaign(
      'Weekly VIP note',
      { tag: 'vip' },
      { cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: '2027-06-30T00:00:00Z' },
    );
    const body = await usage();
    expect(body.projection.scheduled).toEqual({
      messages: 200 + 4 * 50,
      campaigns: expect.arrayContaining([
        {
          campaignId: once,
          recipients: 200,
          messagesPerSend: 200,
          sends: 1,
          messages: 200,
          firstAt: '2027-03-20T02:00:00.000Z',
          lastAt: '2027-03-20T02:00:00.000Z',
          capped: false,
        },
        {
          campaignId: weekly,
          recipients: 50,
          messagesPerSend: 50,
          sends: 4,
          messages: 200,
          firstAt: '2027-03-08T02:00:00.000Z',
          lastAt: '2027-03-29T02:00:00.000Z',
          capped: false,
        },
      ]),
    });
    expect(body.projection.endOfMonthMessages).toBe(5700 + 400);

    // The audience grows: the projection follows its current size.
    await t
      .http()
      .put(`/api/v1/line-accounts/${accountId}/contacts`)
      .set(bearer(marketer.token))
      .send({ contacts: [{ lineUserId: userId(1000), tags: ['vip'], status: 'following' }] })
      .expect(200);
    expect((await usage()).projection.scheduled.messages).toBe(201 + 4 * 51);
  });

  it("extends outside traffic's pace between LINE readings, and one plan rule answers both the forecast and the usage", async () => {
    // Ten days later LINE counts 700 more that this service did not send.
    clock.set('2027-03-12T00:00:00Z');
    await request(sim.url).put(`/_sim/channels/${channelId}/consumption`).send({ totalUsage: 6400 }).expect(200);
    await sync();
    const body = await usage();
    const readingAt = new Date(body.line.readAt).getTime();
    const firstAt = new Date(body.projection.outside.observedFrom).getTime();
    const expectedTrend = Math.ceil((700 * (monthEnd - readingAt)) / (readingAt - firstAt));
    expect(body.projection.outside).toMatchObject({
      soFar: 6400,
      perDay: (Math.round(((700 * DAY) / (readingAt - firstAt)) * 100) / 100).toFixed(2),
      trend: expectedTrend,
      restOfMonth: expectedTrend,
    });
    expect(expectedTrend).toBeGreaterThan(1300); // about 70 a day for 19⅔ days
    expect(expectedTrend).toBeLessThan(1400);
    expect(body.projection.endOfMonthMessages).toBe(6400 + expectedTrend + 201 + 4 * 51);

    // The usage's recommended plan is the forecast's plan suggestion, for the same month.
    expect(body.recommendedPlan).toMatchObject({ plan: 'high', projectedMessages: body.projection.endOfMonthMessages });
    const forecast = await t
      .http()
      .post('/api/v1/forecasts')
      .set(bearer(marketer.token))
      .send({ lineAccountId: accountId, recipients: 0, messageObjects: 1 })
      .expect(200);
    const suggestion = forecast.body.suggestions.find((s: { kind: string }) => s.kind === 'plan');
    expect(suggestion).toMatchObject({
      plan: body.recommendedPlan.plan,
      monthlyCost: body.recommendedPlan.monthlyCost.amount,
      projectedMessages: body.recommendedPlan.projectedMessages,
    });
  });
  it('places a run that quiet hours hold at the time they end, which can be in the next month', async () => {
    const { version } = (await t.http().get(`/api/v1/line-accounts/${accountId}`).set(bearer(t.adminToken)).expect(200))
      .body;
    await t
      .http()
      .patch(`/api/v1/line-accounts/${accountId}`)
      .set(bearer(t.adminToken))
      .send({ version, quietHours: { start: '21:00', end: '09:00' } })
      .expect(200);
    const before = (await usage()).projection;
    // 22:00 on 31 March in Taipei: inside quiet hours, so it goes at 09:00 on 1 April.
    const late = await approvedCampaign('Month-end note', { tag: 'vip' }, { at: '2027-03-31T14:00:00Z' });
    const march = (await usage()).projection;
    expect(march.scheduled.campaigns.map((c: { campaignId: string }) => c.campaignId)).not.toContain(late);
    expect(march.endOfMonthMessages).toBe(before.endOfMonthMessages);
    const april = (
      await t.http().get(`/api/v1/line-accounts/${accountId}/usage?month=2027-04`).set(bearer(t.adminToken)).expect(200)
    ).body.projection;
    expect(april.scheduled.campaigns).toContainEqual(
      expect.objectContaining({ campaignId: late, sends: 1, messages: 51, firstAt: '2027-04-01T01:00:00.000Z' }),
    );
  });
});
