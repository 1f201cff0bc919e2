import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { LineSimulatorHandle } from './server';
import { lineOpenApiFile, OpenApiSchemas } from './testing/openapi-schemas';
import { bearer, createChannel, hello, startTestSimulator, TOKEN, userId, userIds } from './testing/simulator-fixture';

interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  rawBody: string;
}

/** A stand-in for the service's webhook endpoint: records what LINE (the simulator) posts. */
async function startWebhookReceiver(): Promise<{ url: string; received: ReceivedWebhook[]; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/line`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('LINE simulator: control and inspection API', () => {
  let sim: LineSimulatorHandle;
  const followers = userIds(1, 4);

  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await request(sim.url).post('/_sim/reset').expect(200);
    await createChannel(sim, 'ch1', {
      accessToken: TOKEN,
      channelSecret: 'secret-1',
      quota: { type: 'limited', value: 100 },
      followers,
    });
  });

  const control = () => request(sim.url);
  const multicast = (to: string[], token = TOKEN) =>
    request(sim.url).post('/v2/bot/message/multicast').set(bearer(token)).send({ to, messages: hello });
  const consumption = async () =>
    (await request(sim.url).get('/v2/bot/message/quota/consumption').set(bearer()).expect(200)).body
      .totalUsage as number;

  describe('channels', () => {
    it('creates, reads, updates and deletes channels', async () => {
      const created = await control()
        .put('/_sim/channels/ch2')
        .send({ accessToken: 'token-2', quota: { type: 'none' }, consumption: 5, followerCount: 3 })
        .expect(201);
      expect(created.body).toMatchObject({
        channelId: 'ch2',
        quota: { type: 'none' },
        consumption: { totalUsage: 5 },
        audience: { followers: 3, blocked: 0 },
      });
      expect(created.body.channelSecret).toMatch(/^[0-9a-f]{32}$/);
      expect(
        (await control().get('/_sim/channels').expect(200)).body.channels.map(
          (c: { channelId: string }) => c.channelId,
        ),
      ).toEqual(['ch1', 'ch2']);

      await control()
        .patch('/_sim/channels/ch2')
        .send({ accessToken: 'token-2b', webhookUrl: 'https://example.com/hook' })
        .expect(200);
      await request(sim.url).get('/v2/bot/info').set(bearer('token-2')).expect(401);
      await request(sim.url).get('/v2/bot/info').set(bearer('token-2b')).expect(200);

      await control().delete('/_sim/channels/ch2').expect(200, { deleted: true });
      await control().get('/_sim/channels/ch2').expect(404);
      await request(sim.url).get('/v2/bot/info').set(bearer('token-2b')).expect(401);
    });

    it('refuses bad settings with the reasons, and a token another channel uses', async () => {
      const bad = await control()
        .put('/_sim/channels/ch3')
        .send({ accessToken: 't3', quota: { type: 'limited' }, followers: ['nobody'], typo: 1 })
        .expect(400);
      expect(bad.body.problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/unknown property typo/),
          expect.stringMatching(/quota/),
          expect.stringMatching(/followers/),
        ]),
      );
      await control()
        .put('/_sim/channels/ch3')
        .send({ quota: { type: 'none' } })
        .expect(400);
      await control().put('/_sim/channels/ch3').send({ accessToken: TOKEN }).expect(409);
      await control().post('/_sim/channels').send({ channelId: 'ch1', accessToken: 'x' }).expect(409);
      await control().post('/_sim/channels').send({ channelId: 'ch4', accessToken: 'token-4' }).expect(201);
    });

    it('resets a channel to its settings: nothing sent, configured consumption, retry keys forgotten', async () => {
      await control().patch('/_sim/channels/ch1').send({ consumption: 10 }).expect(200);
      await multicast(followers).expect(200);
      expect(await consumption()).toBe(14);
      await control().post('/_sim/channels/ch1/reset').expect(200);
      expect(await consumption()).toBe(10);
      expect((await control().get('/_sim/channels/ch1/deliveries')).body).toMatchObject({
        sends: 0,
        totalDeliveries: 0,
      });
    });

    it('adds followers and blocks users directly', async () => {
      await control()
        .post('/_sim/channels/ch1/followers')
        .send({ userIds: [userId(50)], count: 2 })
        .expect(200, { followers: 7, blocked: 0 });
      await control()
        .post('/_sim/channels/ch1/blocked')
        .send({ userIds: [followers[0], userId(60)] })
        .expect(200, { followers: 6, blocked: 2 });
      const audience = (await control().get('/_sim/channels/ch1/followers').expect(200)).body;
      expect(audience.followers).toContain(userId(50));
      expect(audience.blocked).toEqual([followers[0], userId(60)]);
    });
  });

  describe('inspection', () => {
    it('shows what each user received, and each accepted send', async () => {
      const accepted = await multicast([followers[0], followers[1], userId(77)]).expect(200);
      const requestId = accepted.headers['x-line-request-id'];
      const forUser = (await control().get(`/_sim/channels/ch1/deliveries?userId=${followers[0]}`).expect(200)).body;
      expect(forUser).toEqual({
        userId: followers[0],
        status: 'following',
        count: 1,
        deliveries: [
          { requestId, endpoint: 'multicast', retryKey: null, deliveredAt: expect.any(String), messages: hello },
        ],
      });
      const send = (await control().get(`/_sim/channels/ch1/sends/${requestId}`).expect(200)).body;
      expect(send).toMatchObject({
        requestId,
        delivered: 2,
        counted: 2,
        deliveredTo: [followers[0], followers[1]],
        skipped: { blocked: [], unknown: [userId(77)] },
      });
      expect((await control().get('/_sim/channels/ch1/deliveries?perUser=true')).body.perUser).toEqual({
        [followers[0]]: 1,
        [followers[1]]: 1,
      });
      await control().get('/_sim/channels/ch1/sends/not-a-request').expect(404);
    });

    it('logs every API call, so a test can check that nothing was sent after a 429', async () => {
      await control()
        .patch('/_sim/channels/ch1')
        .send({ quota: { type: 'limited', value: 4 } })
        .expect(200);
      await multicast(followers).expect(200);
      await multicast(followers).expect(429);
      await request(sim.url).get('/v2/bot/info').expect(401);
      const log = (await control().get('/_sim/channels/ch1/requests').expect(200)).body;
      expect(log.requests.map((entry: { outcome: string }) => entry.outcome)).toEqual(['accepted', 'monthly_limit']);
      expect(log.requests[0]).toMatchObject({
        channelId: 'ch1',
        method: 'POST',
        path: '/v2/bot/message/multicast',
        endpoint: 'multicast',
        status: 200,
        recipients: 4,
        delivered: 4,
        counted: 4,
        responseLost: false,
      });
      const after429 = log.requests[1].seq;
      expect((await control().get(`/_sim/channels/ch1/requests?sinceSeq=${after429}`)).body.requests).toEqual([]);
      const everything = (await control().get('/_sim/requests').expect(200)).body.requests;
      expect(everything.at(-1)).toMatchObject({ channelId: null, status: 401, outcome: 'unauthorized' });
    });
  });

  describe('months and consumption', () => {
    it('counts consumption per calendar month in Asia/Taipei', async () => {
      await control().put('/_sim/clock').send({ now: '2026-11-30T15:30:00Z' }).expect(200); // 23:30 in Taipei
      await multicast(followers.slice(0, 3)).expect(200);
      expect(await consumption()).toBe(3);
      const clock = (await control().put('/_sim/clock').send({ now: '2026-11-30T16:30:00Z' }).expect(200)).body; // 00:30, 1 December
      expect(clock).toMatchObject({ month: '2026-12', timeZone: 'Asia/Taipei' });
      expect(await consumption()).toBe(0);
      await multicast(followers.slice(0, 1)).expect(200);
      const view = (await control().get('/_sim/channels/ch1/consumption').expect(200)).body;
      expect(view).toEqual({
        month: '2026-12',
        totalUsage: 1,
        quota: { type: 'limited', value: 100 },
        byMonth: { '2026-11': 3, '2026-12': 1 },
      });
    });

    it('takes another time zone, a month to move to, and a reset to real time', async () => {
      await control().put('/_sim/clock').send({ now: '2026-11-30T16:30:00Z', timeZone: 'UTC' }).expect(200);
      expect((await control().get('/_sim/clock')).body.month).toBe('2026-11');
      expect((await control().put('/_sim/clock').send({ month: '2027-02' }).expect(200)).body.month).toBe('2027-02');
      await control().put('/_sim/clock').send({ month: '2027-13' }).expect(400);
      expect((await control().delete('/_sim/clock').expect(200)).body.offsetMs).toBe(0);
    });

    it('sets and resets consumption', async () => {
      await control().put('/_sim/channels/ch1/consumption').send({ totalUsage: 95 }).expect(200);
      expect(await consumption()).toBe(95);
      await multicast(followers).expect(200);
      await multicast(followers.slice(0, 2)).expect(429);
      await control().post('/_sim/channels/ch1/consumption/reset').send({}).expect(200);
      expect(await consumption()).toBe(0);
      await multicast(followers.slice(0, 2)).expect(200);
    });
  });

  describe('webhook events', () => {
    let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
    beforeEach(async () => {
      receiver = await startWebhookReceiver();
      await control().patch('/_sim/channels/ch1').send({ webhookUrl: receiver.url }).expect(200);
    });
    afterEach(() => receiver.close());

    const webhookSchema = lineOpenApiFile('webhook.yml');
    const callbackRequest = webhookSchema
      ? OpenApiSchemas.load(webhookSchema, { closed: true }).schema('CallbackRequest')
      : null;

    it('sends signed follow and unfollow events and updates the audience', async () => {
      const newcomer = userId(500);
      const result = await control()
        .post('/_sim/channels/ch1/webhook-events')
        .send({
          events: [
            { type: 'unfollow', userId: followers[0] },
            { type: 'follow', userId: newcomer },
            { type: 'follow', userId: followers[0] },
          ],
        })
        .expect(200);
      expect(result.body).toMatchObject({ sent: true, status: 200, url: receiver.url });

      expect(receiver.received).toHaveLength(1);
      const { headers, rawBody } = receiver.received[0];
      expect(headers['x-line-signature']).toBe(createHmac('sha256', 'secret-1').update(rawBody).digest('base64'));
      const body = JSON.parse(rawBody);
      const botUserId = (await request(sim.url).get('/v2/bot/info').set(bearer())).body.userId;
      expect(body.destination).toBe(botUserId);
      expect(body.events.map((event: { type: string; follow?: unknown }) => [event.type, event.follow])).toEqual([
        ['unfollow', undefined],
        ['follow', { isUnblocked: false }],
        ['follow', { isUnblocked: true }],
      ]);
      for (const event of body.events) {
        expect(event).toMatchObject({
          mode: 'active',
          source: { type: 'user' },
          deliveryContext: { isRedelivery: false },
          webhookEventId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
        });
      }
      expect(body.events[1].replyToken).toEqual(expect.any(String));
      if (callbackRequest) expect(callbackRequest(body) ? null : callbackRequest.errors).toBeNull();

      const ids = (await request(sim.url).get('/v2/bot/followers/ids').set(bearer())).body.userIds;
      expect(ids).toEqual(expect.arrayContaining([newcomer, followers[0]]));
    });

    it('sends signed message and postback events as webhook.yml describes them', async () => {
      await control()
        .post('/_sim/channels/ch1/webhook-events')
        .send({
          events: [
            { type: 'message', userId: followers[0], text: 'Hello' },
            { type: 'postback', userId: followers[1], data: 'lcm:coupon' },
          ],
        })
        .expect(200);
      const { headers, rawBody } = receiver.received[0];
      expect(headers['x-line-signature']).toBe(createHmac('sha256', 'secret-1').update(rawBody).digest('base64'));
      const body = JSON.parse(rawBody);
      expect(body.events).toMatchObject([
        {
          type: 'message',
          message: { type: 'text', text: 'Hello', id: expect.any(String) },
          replyToken: expect.any(String),
        },
        { type: 'postback', postback: { data: 'lcm:coupon' }, source: { userId: followers[1] } },
      ]);
      if (callbackRequest) expect(callbackRequest(body) ? null : callbackRequest.errors).toBeNull();
      const bad = await control()
        .post('/_sim/channels/ch1/webhook-events')
        .send({ events: [{ type: 'postback', userId: followers[0], data: 'x'.repeat(301) }] })
        .expect(400);
      expect(bad.body.problems).toEqual(['events[0].data must be a string of 1 to 300 characters']);
    });

    it('stops delivering to a user who unfollowed', async () => {
      await control()
        .post('/_sim/channels/ch1/webhook-events')
        .send({ events: [{ type: 'unfollow', userId: followers[1] }] })
        .expect(200);
      await multicast(followers).expect(200);
      expect(await consumption()).toBe(3);
      expect((await control().get(`/_sim/channels/ch1/deliveries?userId=${followers[1]}`)).body).toMatchObject({
        status: 'blocked',
        count: 0,
      });
    });

    it('updates the audience and says so when the channel has no webhook URL or it is unreachable', async () => {
      await control().patch('/_sim/channels/ch1').send({ webhookUrl: null }).expect(200);
      const noUrl = await control()
        .post('/_sim/channels/ch1/webhook-events')
        .send({ events: [{ type: 'follow', userId: userId(501) }] })
        .expect(200);
      expect(noUrl.body).toMatchObject({ sent: false, url: null });
      const unreachable = await control()
        .post('/_sim/channels/ch1/webhook-events')
        .send({ url: 'http://127.0.0.1:9/closed', events: [{ type: 'follow', userId: userId(502) }] })
        .expect(200);
      expect(unreachable.body).toMatchObject({ sent: false, error: expect.any(String) });
      expect((await control().get('/_sim/channels/ch1')).body.audience.followers).toBe(followers.length + 2);
      await control()
        .post('/_sim/channels/ch1/webhook-events')
        .send({ events: [{ type: 'block', userId: userId(1) }] })
        .expect(400);
    });
  });

  it('answers unknown control routes and malformed control bodies with 4xx', async () => {
    await control().get('/_sim/nothing-here').expect(404);
    await control().put('/_sim/channels/ch1').set('Content-Type', 'application/json').send('{oops').expect(400);
  });
});
