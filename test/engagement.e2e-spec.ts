import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LineSimulatorHandle, signWebhookBody, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import { approvedCampaign, sendingScenario, SendingScenario, sendNow, waitForRun } from './support/dispatch-fixture';
import { TestClock } from './support/test-clock';

const DAY = 86_400_000;

const offer = (yes: string, later: string) => [
  {
    type: 'template',
    altText: 'A coupon for you',
    template: {
      type: 'buttons',
      text: 'A coupon for you: 20% off',
      actions: [
        { type: 'postback', label: 'Get the coupon', data: yes },
        { type: 'postback', label: 'Maybe later', data: later },
        { type: 'uri', label: 'Shop', uri: 'https://example.com/shop' },
      ],
    },
  },
];

/**
 * Engagement from LINE's webhook, signed by the simulator: message and postback events move the
 * contact's last interaction; a tap on a campaign's postback action is recorded, and a rule
 * selects who tapped for the next (retargeting) send.
 */
describe('engagement: postback taps and interactions from the webhook', () => {
  const clock = new TestClock('2026-12-10T03:00:00Z');
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let s: SendingScenario;
  let users: string[];

  const size = async (definition: object) =>
    (
      await t
        .http()
        .post('/api/v1/audiences/size')
        .set(bearer(s.marketer.token))
        .send({ lineAccountId: s.accountId, definition })
        .expect(200)
    ).body.recipients as number;
  const webhook = async (events: object[]) => {
    const sent = await request(sim.url)
      .post(`/_sim/channels/${s.channelId}/webhook-events`)
      .send({ events })
      .expect(200);
    expect(sent.body).toMatchObject({ sent: true, status: 200 });
    return { events: sent.body.events as { webhookEventId: string }[], answer: JSON.parse(sent.body.responseBody) };
  };

  /** A draft campaign of a second account (made once). */
  let foreign: Promise<string> | undefined;
  const foreignCampaign = () =>
    (foreign ??= (async () => {
      const other = await sendingScenario(t, sim, { followers: 1 });
      const created = await t
        .http()
        .post('/api/v1/campaigns')
        .set(bearer(other.marketer.token))
        .send({
          lineAccountId: other.accountId,
          audienceId: other.audienceId,
          name: 'Another account',
          messages: offer('lcm:coupon', 'lcm:later'),
        })
        .expect(201);
      return created.body.id as string;
    })());

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'engagement-e2e' });
    await request(sim.url).put('/_sim/clock').send({ now: clock.now().toISOString() }).expect(200);
    t = await createTestApp(
      { DISPATCH_ENABLED: 'true', DISPATCH_POLL_MS: '50', LOG_LEVEL: process.env.DEBUG_LOGS ? 'info' : 'warn' },
      undefined,
      { clock },
    );
    await t.app.listen(0, '127.0.0.1');
    const apiUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    s = await sendingScenario(t, sim, { followers: 6 });
    await request(sim.url)
      .patch(`/_sim/channels/${s.channelId}`)
      .send({ webhookUrl: `${apiUrl}/api/v1/webhooks/line/${s.accountId}` })
      .expect(200);
    users = (
      await t.db.pool.query<{ line_user_id: string }>(
        'SELECT line_user_id FROM contacts WHERE line_account_id = $1 ORDER BY line_user_id',
        [s.accountId],
      )
    ).rows.map((row) => row.line_user_id);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('refuses malformed campaign postback data, naming the action', async () => {
    const response = await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(s.marketer.token))
      .send({
        lineAccountId: s.accountId,
        audienceId: s.audienceId,
        name: 'Bad',
        messages: offer('lcm:two words', 'lcm:later'),
      })
      .expect(400);
    expect(response.body.details).toEqual([
      { field: 'messages[0].template.actions[0].data', problem: expect.stringContaining('lcm:<label>') },
    ]);
  });

  it('a tap on a campaign postback puts the contact in a retargeting audience; messages and taps are interactions', async () => {
    const campaignId = await approvedCampaign(t, s, {
      name: 'Coupon offer',
      messages: offer('lcm:coupon', 'lcm:later'),
    });
    const stored = (await t.http().get(`/api/v1/campaigns/${campaignId}`).set(bearer(s.marketer.token)).expect(200))
      .body;
    const [coupon, later] = stored.messages[0].template.actions.map((action: { data?: string }) => action.data);
    expect([coupon, later]).toEqual([`lcm:${campaignId}:coupon`, `lcm:${campaignId}:later`]);
    const run = await waitForRun(t, s.marketer.token, await sendNow(t, s, campaignId), ['completed', 'failed']);
    expect(run.status).toBe('completed');
    // What LINE delivered carries the campaign's data, so a tap names the campaign.
    const delivered = (await request(sim.url).get(`/_sim/channels/${s.channelId}/deliveries?userId=${users[0]}`)).body;
    expect(JSON.stringify(delivered.deliveries[0].messages)).toContain(`lcm:${campaignId}:coupon`);

    const tappedAny = { tappedPostback: { campaign: campaignId, withinDays: 7 } };
    const tappedCoupon = { tappedPostback: { campaign: campaignId, label: 'coupon', withinDays: 7 } };
    expect(await size(tappedAny)).toBe(0);
    expect(await size({ interactedWithinDays: 1 })).toBe(0);

    clock.advance(3_600_000);
    await request(sim.url).put('/_sim/clock').send({ now: clock.now().toISOString() }).expect(200);
    const { events, answer } = await webhook([
      { type: 'postback', userId: users[0], data: coupon },
      { type: 'postback', userId: users[1], data: later },
      { type: 'message', userId: users[2], text: 'Is the coupon valid online?' },
      { type: 'postback', userId: users[3], data: 'menu=2' }, // another tool's postback: an interaction, no tap
    ]);
    expect(answer).toEqual({ received: 4, applied: 4, duplicates: 0 });
    expect(await size(tappedAny)).toBe(2);
    expect(await size(tappedCoupon)).toBe(1);
    expect(await size({ interactedWithinDays: 1 })).toBe(4);

    // LINE redelivers the coupon tap: applied once.
    const redelivered = JSON.stringify({
      destination: 'U0',
      events: [
        {
          type: 'postback',
          mode: 'active',
          timestamp: clock.now().getTime(),
          webhookEventId: events[0].webhookEventId,
          deliveryContext: { isRedelivery: true },
          source: { type: 'user', userId: users[0] },
          replyToken: 'r',
          postback: { data: coupon },
        },
      ],
    });
    const again = await t
      .http()
      .post(`/api/v1/webhooks/line/${s.accountId}`)
      .set('content-type', 'application/json')
      .set('x-line-signature', signWebhookBody(redelivered, 'secret'))
      .send(redelivered)
      .expect(200);
    expect(again.body).toEqual({ received: 1, applied: 0, duplicates: 1 });
    const taps = await t.db.pool.query('SELECT count(*)::int AS n FROM postback_taps WHERE campaign_id = $1', [
      campaignId,
    ]);
    expect(taps.rows[0].n).toBe(2);

    // The retargeting send: a campaign to those who asked for the coupon reaches exactly them.
    const retarget = (
      await t
        .http()
        .post('/api/v1/audiences')
        .set(bearer(s.marketer.token))
        .send({ lineAccountId: s.accountId, name: 'Asked for the coupon', definition: tappedCoupon })
        .expect(201)
    ).body.id;
    const followUp = await approvedCampaign(t, { ...s, audienceId: retarget }, { name: 'Your coupon code' });
    const second = await waitForRun(t, s.marketer.token, await sendNow(t, { ...s, audienceId: retarget }, followUp), [
      'completed',
      'failed',
    ]);
    expect(second).toMatchObject({ status: 'completed', progress: { recipients: 1 } });
    const got = (await request(sim.url).get(`/_sim/channels/${s.channelId}/deliveries?userId=${users[0]}`)).body;
    expect(got.count).toBe(2);

    // Eight days later the 7-day window has passed.
    clock.advance(8 * DAY);
    expect(await size(tappedAny)).toBe(0);
    expect(await size({ tappedPostback: { campaign: campaignId, withinDays: 9 } })).toBe(2);
  });

  it("refuses a tappedPostback rule naming no campaign of the account (400 naming the node's field)", async () => {
    const audiences = async () =>
      (await t.db.pool.query('SELECT count(*)::int AS n FROM audiences WHERE line_account_id = $1', [s.accountId]))
        .rows[0].n as number;
    const before = await audiences();
    for (const campaign of [randomUUID(), await foreignCampaign()]) {
      const definition = { any: [{ tag: 'vip' }, { tappedPostback: { campaign, withinDays: 7 } }] };
      const expected = [
        { field: 'definition.any[1].tappedPostback.campaign', problem: `no campaign ${campaign} on this LINE account` },
      ];
      for (const [path, body] of [
        ['/api/v1/audiences/size', { lineAccountId: s.accountId, definition }],
        ['/api/v1/audiences', { lineAccountId: s.accountId, name: 'Tapped nothing', definition }],
      ] as const) {
        const refused = await t.http().post(path).set(bearer(s.marketer.token)).send(body).expect(400);
        expect(refused.body.details).toEqual(expected);
        expect(refused.body.message).toContain('definition.any[1].tappedPostback.campaign');
      }
    }
    expect(await audiences()).toBe(before);
  });

  it("records no tap for data naming an unknown campaign or another account's, and still applies the events", async () => {
    const unknown = randomUUID();
    const foreignId = await foreignCampaign();
    const { answer } = await webhook([
      { type: 'postback', userId: users[4], data: `lcm:${unknown}:coupon` },
      { type: 'postback', userId: users[5], data: `lcm:${foreignId}:coupon` },
    ]);
    expect(answer).toEqual({ received: 2, applied: 2, duplicates: 0 });
    const taps = await t.db.pool.query(
      'SELECT count(*)::int AS n FROM postback_taps WHERE campaign_id = ANY($1::uuid[])',
      [[unknown, foreignId]],
    );
    expect(taps.rows[0].n).toBe(0);
    // The taps were interactions all the same.
    const touched = await t.db.pool.query(
      'SELECT count(*)::int AS n FROM contacts WHERE line_account_id = $1 AND line_user_id = ANY($2) AND last_interaction_at IS NOT NULL',
      [s.accountId, [users[4], users[5]]],
    );
    expect(touched.rows[0].n).toBe(2);
  });

  it('refuses a postback event whose data is longer than LINE allows, writing nothing', async () => {
    const body = JSON.stringify({
      destination: 'U0',
      events: [
        {
          type: 'postback',
          mode: 'active',
          timestamp: clock.now().getTime(),
          webhookEventId: 'too-long-01',
          deliveryContext: { isRedelivery: false },
          source: { type: 'user', userId: users[5] },
          postback: { data: 'x'.repeat(301) },
        },
      ],
    });
    const response = await t
      .http()
      .post(`/api/v1/webhooks/line/${s.accountId}`)
      .set('content-type', 'application/json')
      .set('x-line-signature', signWebhookBody(body, 'secret'))
      .send(body)
      .expect(400);
    expect(response.body.details).toEqual([{ field: 'events[0].postback.data', problem: expect.any(String) }]);
    const recorded = await t.db.pool.query(
      "SELECT count(*)::int AS n FROM webhook_events WHERE webhook_event_id = 'too-long-01'",
    );
    expect(recorded.rows[0].n).toBe(0);
  });
});
