import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { LineSimulatorHandle } from './server';
import { bearer, createChannel, hello, startTestSimulator, TOKEN, userId, userIds } from './testing/simulator-fixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('LINE simulator: Messaging API', () => {
  let sim: LineSimulatorHandle;
  const followers = userIds(1, 10); // U…01 … U…0a follow
  const blocked = [userId(100), userId(101)];
  const unknown = userId(999);

  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await request(sim.url).post('/_sim/reset').expect(200);
    await createChannel(sim, 'ch1', {
      accessToken: TOKEN,
      quota: { type: 'limited', value: 1000 },
      followers: [...followers, ...blocked],
      blocked,
    });
  });

  const api = () => request(sim.url);
  const multicast = (to: string[], headers: Record<string, string> = {}) =>
    api().post('/v2/bot/message/multicast').set(bearer()).set(headers).send({ to, messages: hello });
  const consumption = async () =>
    (await api().get('/v2/bot/message/quota/consumption').set(bearer()).expect(200)).body.totalUsage as number;

  describe('authentication', () => {
    it('answers 401 without a bearer token, or with an unknown one', async () => {
      const missing = await api().get('/v2/bot/message/quota').expect(401);
      expect(missing.body.message).toMatch(/Authorization header required/);
      const wrong = await api().get('/v2/bot/message/quota').set(bearer('nope')).expect(401);
      expect(wrong.body).toEqual({
        message: 'Authentication failed. Confirm that the access token in the authorization header is valid.',
      });
    });

    it('keeps channels apart by their tokens', async () => {
      await createChannel(sim, 'ch2', { accessToken: 'other-token', quota: { type: 'none' }, consumption: 7 });
      expect((await api().get('/v2/bot/message/quota').set(bearer('other-token')).expect(200)).body).toEqual({
        type: 'none',
      });
      expect(
        (await api().get('/v2/bot/message/quota/consumption').set(bearer('other-token')).expect(200)).body,
      ).toEqual({ totalUsage: 7 });
      expect((await api().get('/v2/bot/message/quota').set(bearer()).expect(200)).body).toEqual({
        type: 'limited',
        value: 1000,
      });
    });
  });

  it('puts a fresh UUID X-Line-Request-Id on every response, errors included', async () => {
    const ids = new Set<string>();
    for (const response of [
      await api().get('/v2/bot/info').set(bearer()),
      await api().get('/v2/bot/info'),
      await api().get('/v2/bot/nowhere').set(bearer()),
    ]) {
      expect(response.headers['x-line-request-id']).toMatch(UUID);
      ids.add(response.headers['x-line-request-id']);
    }
    expect(ids.size).toBe(3);
  });

  describe('checking requests as LINE does', () => {
    it('takes 1 to 5 message objects', async () => {
      const six = Array.from({ length: 6 }, () => hello[0]);
      for (const messages of [[], six]) {
        const response = await api()
          .post('/v2/bot/message/push')
          .set(bearer())
          .send({ to: followers[0], messages })
          .expect(400);
        expect(response.body).toEqual({
          message: 'The request body has 1 error(s)',
          details: [{ message: 'Size must be between 1 and 5', property: 'messages' }],
        });
      }
    });

    it('takes at most 500 multicast recipients, each a user id', async () => {
      const tooMany = await multicast(userIds(1, 501)).expect(400);
      expect(tooMany.body.details).toEqual([{ message: 'Size must be between 1 and 500', property: 'to' }]);
      const badId = await multicast([followers[0], 'U123', userId(0xabc).toUpperCase()]).expect(400);
      expect(badId.body.details.map((detail: { property: string }) => detail.property)).toEqual(['to[1]', 'to[2]']);
      await multicast(userIds(1, 500)).expect(200);
    });

    it("reports message-object problems with LINE's property paths", async () => {
      const response = await api()
        .post('/v2/bot/message/push')
        .set(bearer())
        .send({
          to: followers[0],
          messages: [
            { type: 'text', text: 'x'.repeat(5001) },
            {
              type: 'image',
              originalContentUrl: 'http://example.com/a.jpg',
              previewImageUrl: 'https://example.com/p.jpg',
            },
          ],
        })
        .expect(400);
      expect(response.body).toEqual({
        message: 'The request body has 2 error(s)',
        details: [
          { message: 'Length must be between 1 and 5000', property: 'messages[0].text' },
          { message: 'must be a valid HTTPS URL', property: 'messages[1].originalContentUrl' },
        ],
      });
    });

    it('refuses a push to something that is not a user, group or room id', async () => {
      const response = await api()
        .post('/v2/bot/message/push')
        .set(bearer())
        .send({ to: 'someone', messages: hello })
        .expect(400);
      expect(response.body.details).toEqual([{ message: 'must be a valid user, group or room ID', property: 'to' }]);
    });

    it('answers an unparseable body with 400, and nothing is sent', async () => {
      await api()
        .post('/v2/bot/message/push')
        .set(bearer())
        .set('Content-Type', 'application/json')
        .send('{"to":')
        .expect(400);
      expect(await consumption()).toBe(0);
    });

    it('validates message objects on the validate endpoints without sending', async () => {
      for (const kind of ['push', 'multicast', 'broadcast', 'narrowcast', 'reply']) {
        await api().post(`/v2/bot/message/validate/${kind}`).set(bearer()).send({ messages: hello }).expect(200, {});
        const bad = await api()
          .post(`/v2/bot/message/validate/${kind}`)
          .set(bearer())
          .send({ messages: [{ type: 'text', text: '' }] })
          .expect(400);
        expect(bad.body.details).toEqual([{ message: 'May not be empty', property: 'messages[0].text' }]);
      }
      expect(await consumption()).toBe(0);
    });
  });

  describe('counting', () => {
    it('counts one message per delivered recipient; blocked and unknown users are accepted but neither delivered nor counted', async () => {
      await multicast([followers[0], followers[1], blocked[0], unknown]).expect(200, {});
      expect(await consumption()).toBe(2);
      const [send] = (await api().get('/_sim/channels/ch1/sends').expect(200)).body.sends;
      expect(send).toMatchObject({
        endpoint: 'multicast',
        delivered: 2,
        skipped: { blocked: 1, unknown: 1 },
        counted: 2,
      });
      expect((await api().get(`/_sim/channels/ch1/deliveries?userId=${blocked[0]}`)).body).toMatchObject({
        status: 'blocked',
        count: 0,
      });
      expect((await api().get(`/_sim/channels/ch1/deliveries?userId=${followers[0]}`)).body).toMatchObject({
        status: 'following',
        count: 1,
      });
    });

    it('counts a push of 5 message objects to one user as 1 message', async () => {
      const five = Array.from({ length: 5 }, (_, i) => ({ type: 'text', text: `part ${i}` }));
      const response = await api()
        .post('/v2/bot/message/push')
        .set(bearer())
        .send({ to: followers[0], messages: five })
        .expect(200);
      expect(response.body.sentMessages).toHaveLength(5);
      expect(response.body.sentMessages[0]).toEqual({
        id: expect.stringMatching(/^\d+$/),
        quoteToken: expect.any(String),
      });
      expect(await consumption()).toBe(1);
    });

    it('accepts a push to a blocked user without counting it', async () => {
      await api().post('/v2/bot/message/push').set(bearer()).send({ to: blocked[0], messages: hello }).expect(200);
      expect(await consumption()).toBe(0);
    });

    it('delivers a multicast once to a user named twice', async () => {
      await multicast([followers[0], followers[0]]).expect(200);
      expect(await consumption()).toBe(1);
    });

    it('broadcasts to every follower and counts each', async () => {
      await api().post('/v2/bot/message/broadcast').set(bearer()).send({ messages: hello }).expect(200, {});
      expect(await consumption()).toBe(followers.length);
    });

    it("refuses a request that would pass the month's limit whole, with 429, delivering nothing", async () => {
      await request(sim.url)
        .patch('/_sim/channels/ch1')
        .send({ quota: { type: 'limited', value: 12 }, consumption: 10 })
        .expect(200);
      const refused = await multicast(followers.slice(0, 3)).expect(429);
      expect(refused.body).toEqual({ message: 'You have reached your monthly limit.' });
      expect(await consumption()).toBe(10);
      expect((await api().get('/_sim/channels/ch1/deliveries')).body.totalDeliveries).toBe(0);
      await multicast(followers.slice(0, 2)).expect(200); // exactly reaches the limit
      expect(await consumption()).toBe(12);
      await api().post('/v2/bot/message/push').set(bearer()).send({ to: followers[5], messages: hello }).expect(429);
      await api().post('/v2/bot/message/push').set(bearer()).send({ to: blocked[0], messages: hello }).expect(200); // counts nothing
    });

    it('never limits a channel whose quota type is none', async () => {
      await request(sim.url)
        .patch('/_sim/channels/ch1')
        .send({ quota: { type: 'none' }, consumption: 1_000_000 })
        .expect(200);
      await multicast(followers).expect(200);
      expect(await consumption()).toBe(1_000_010);
    });
  });

  describe('X-Line-Retry-Key', () => {
    it('answers a repeat of an accepted request with 409 and the accepted request id, delivering nothing more', async () => {
      const retryKey = randomUUID();
      const first = await multicast(followers.slice(0, 3), { 'X-Line-Retry-Key': retryKey }).expect(200);
      const repeat = await multicast(followers.slice(0, 3), { 'X-Line-Retry-Key': retryKey }).expect(409);
      expect(repeat.body).toEqual({ message: 'The retry key is already accepted' });
      expect(repeat.headers['x-line-accepted-request-id']).toBe(first.headers['x-line-request-id']);
      expect(repeat.headers['x-line-request-id']).not.toBe(first.headers['x-line-request-id']);
      expect(await consumption()).toBe(3);
      expect((await api().get('/_sim/channels/ch1/deliveries')).body).toMatchObject({
        totalDeliveries: 3,
        repeatedRecipients: [],
      });
    });

    it("answers a repeated push with the first push's sentMessages", async () => {
      const retryKey = randomUUID();
      const first = await api()
        .post('/v2/bot/message/push')
        .set(bearer())
        .set('X-Line-Retry-Key', retryKey)
        .send({ to: followers[0], messages: hello })
        .expect(200);
      const repeat = await api()
        .post('/v2/bot/message/push')
        .set(bearer())
        .set('X-Line-Retry-Key', retryKey)
        .send({ to: followers[0], messages: hello })
        .expect(409);
      expect(repeat.body).toEqual({
        message: 'The retry key is already accepted',
        sentMessages: first.body.sentMessages,
      });
    });

    it('lets a key be retried after a refused request, and forgets keys after 24 hours', async () => {
      const retryKey = randomUUID();
      await request(sim.url)
        .patch('/_sim/channels/ch1')
        .send({ quota: { type: 'limited', value: 0 } });
      await multicast([followers[0]], { 'X-Line-Retry-Key': retryKey }).expect(429);
      await request(sim.url)
        .patch('/_sim/channels/ch1')
        .send({ quota: { type: 'limited', value: 100 } });
      await multicast([followers[0]], { 'X-Line-Retry-Key': retryKey }).expect(200);
      await multicast([followers[0]], { 'X-Line-Retry-Key': retryKey }).expect(409);
      await request(sim.url)
        .put('/_sim/clock')
        .send({ offsetMs: 24 * 3600 * 1000 + 1000 })
        .expect(200);
      await multicast([followers[0]], { 'X-Line-Retry-Key': retryKey }).expect(200);
    });

    it('must be a UUID', async () => {
      const response = await multicast([followers[0]], { 'X-Line-Retry-Key': 'not-a-uuid' }).expect(400);
      expect(response.body.message).toMatch(/UUID/);
      expect(await consumption()).toBe(0);
    });

    it('is refused with 400 on endpoints that do not support it', async () => {
      await api().get('/v2/bot/message/quota').set(bearer()).set('X-Line-Retry-Key', randomUUID()).expect(400);
      await api()
        .post('/v2/bot/message/validate/push')
        .set(bearer())
        .set('X-Line-Retry-Key', randomUUID())
        .send({ messages: hello })
        .expect(400);
    });
  });

  describe('followers and bot info', () => {
    it('pages follower ids with limit and the continuation token, leaving out blocked users', async () => {
      await request(sim.url).patch('/_sim/channels/ch1').send({ followers, followerCount: 5, blocked: [] });
      const seen: string[] = [];
      let start: string | undefined;
      let pages = 0;
      do {
        const response = await api()
          .get('/v2/bot/followers/ids')
          .query({ limit: 4, ...(start ? { start } : {}) })
          .set(bearer())
          .expect(200);
        seen.push(...response.body.userIds);
        start = response.body.next;
        pages += 1;
      } while (start);
      expect(pages).toBe(4);
      expect(seen).toHaveLength(15);
      expect(new Set(seen).size).toBe(15);
      expect(seen.slice(0, 10)).toEqual(followers);
    });

    it('defaults to 300 ids per page, refuses a limit over 1000 and a forged token', async () => {
      await request(sim.url).patch('/_sim/channels/ch1').send({ followers: [], followerCount: 301, blocked: [] });
      const first = await api().get('/v2/bot/followers/ids').set(bearer()).expect(200);
      expect(first.body.userIds).toHaveLength(300);
      const rest = await api().get('/v2/bot/followers/ids').query({ start: first.body.next }).set(bearer()).expect(200);
      expect(rest.body).toEqual({ userIds: [expect.stringMatching(/^U[0-9a-f]{32}$/)] });
      await api().get('/v2/bot/followers/ids').query({ limit: 1001 }).set(bearer()).expect(400);
      await api().get('/v2/bot/followers/ids').query({ start: 'forged' }).set(bearer()).expect(400);
    });

    it('generates the same follower ids for the same channel every time', async () => {
      await request(sim.url).patch('/_sim/channels/ch1').send({ followers: [], followerCount: 3, blocked: [] });
      const once = (await api().get('/v2/bot/followers/ids').set(bearer())).body.userIds;
      await request(sim.url).post('/_sim/channels/ch1/reset').expect(200);
      expect((await api().get('/v2/bot/followers/ids').set(bearer())).body.userIds).toEqual(once);
    });

    it('answers bot info', async () => {
      const response = await api().get('/v2/bot/info').set(bearer()).expect(200);
      expect(response.body).toMatchObject({
        userId: expect.stringMatching(/^U[0-9a-f]{32}$/),
        basicId: expect.stringMatching(/^@/),
        chatMode: 'bot',
        markAsReadMode: 'auto',
      });
    });
  });
});
