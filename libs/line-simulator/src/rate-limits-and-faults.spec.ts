import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { LineSimulatorHandle } from './server';
import { bearer, createChannel, hello, startTestSimulator, TOKEN, userIds } from './testing/simulator-fixture';

const RATE_LIMITED = { message: 'The API rate limit has been exceeded. Try again later.' };

describe('LINE simulator: rate limits', () => {
  let sim: LineSimulatorHandle;
  const followers = userIds(1, 5);

  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await request(sim.url).post('/_sim/reset').expect(200);
    await createChannel(sim, 'ch1', { accessToken: TOKEN, quota: { type: 'none' }, followers });
  });

  const multicast = () =>
    request(sim.url).post('/v2/bot/message/multicast').set(bearer()).send({ to: followers, messages: hello });
  const push = () =>
    request(sim.url).post('/v2/bot/message/push').set(bearer()).send({ to: followers[0], messages: hello });

  it("defaults to LINE's limits", async () => {
    const response = await request(sim.url).get('/_sim/rate-limits').expect(200);
    expect(response.body.limits).toMatchObject({
      push: { limit: 2000, windowMs: 1000 },
      multicast: { limit: 200, windowMs: 1000 },
      broadcast: { limit: 60, windowMs: 3_600_000 },
    });
  });

  it('refuses the 61st broadcast in an hour under the default limits', async () => {
    for (let i = 0; i < 60; i += 1)
      await request(sim.url).post('/v2/bot/message/broadcast').set(bearer()).send({ messages: hello }).expect(200);
    const refused = await request(sim.url)
      .post('/v2/bot/message/broadcast')
      .set(bearer())
      .send({ messages: hello })
      .expect(429);
    expect(refused.body).toEqual(RATE_LIMITED);
    expect(refused.headers['retry-after']).toBeUndefined(); // LINE sends none
  });

  it('applies a per-channel limit to its own endpoint group, delivering nothing when refused', async () => {
    await request(sim.url)
      .put('/_sim/channels/ch1/rate-limits')
      .send({ multicast: { limit: 2, windowMs: 60_000 } })
      .expect(200);
    await multicast().expect(200);
    await multicast().expect(200);
    expect((await multicast().expect(429)).body).toEqual(RATE_LIMITED);
    await push().expect(200); // push has its own limit

    const { requests } = (await request(sim.url).get('/_sim/channels/ch1/requests').expect(200)).body;
    expect(requests.map((entry: { endpoint: string; status: number }) => `${entry.endpoint}:${entry.status}`)).toEqual([
      'multicast:200',
      'multicast:200',
      'multicast:429',
      'push:200',
    ]);
    expect(requests[2]).toMatchObject({ outcome: 'rate_limited', delivered: null });
    expect((await request(sim.url).get('/_sim/channels/ch1/deliveries').expect(200)).body.totalDeliveries).toBe(
      followers.length * 2 + 1,
    );
  });

  it('admits requests again once the window has slid past (moving the clock, not waiting)', async () => {
    await request(sim.url)
      .put('/_sim/channels/ch1/rate-limits')
      .send({ multicast: { limit: 1, windowMs: 60_000 } })
      .expect(200);
    await multicast().expect(200);
    await multicast().expect(429);
    await request(sim.url).put('/_sim/clock').send({ offsetMs: 61_000 }).expect(200);
    await multicast().expect(200);
  });

  it('takes simulator-wide limits, which a channel can lift with null', async () => {
    await request(sim.url)
      .put('/_sim/rate-limits')
      .send({ push: { limit: 1, windowMs: 60_000 } })
      .expect(200);
    await createChannel(sim, 'ch2', { accessToken: 'token-2', followers, rateLimits: { push: null } });
    await push().expect(200);
    await push().expect(429);
    for (let i = 0; i < 3; i += 1)
      await request(sim.url)
        .post('/v2/bot/message/push')
        .set(bearer('token-2'))
        .send({ to: followers[0], messages: hello })
        .expect(200);
  });

  it('can be started with limits, and can send Retry-After', async () => {
    const strict = await startTestSimulator({
      rateLimits: { other: { limit: 1, windowMs: 30_000 } },
      retryAfterHeader: true,
    });
    try {
      await createChannel(strict, 'ch', { accessToken: TOKEN });
      await request(strict.url).get('/v2/bot/message/quota').set(bearer()).expect(200);
      const refused = await request(strict.url).get('/v2/bot/message/quota').set(bearer()).expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(30);
    } finally {
      await strict.close();
    }
  });
});

describe('LINE simulator: fault injection', () => {
  let sim: LineSimulatorHandle;
  const followers = userIds(1, 3);

  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await request(sim.url).post('/_sim/reset').expect(200);
    await createChannel(sim, 'ch1', { accessToken: TOKEN, quota: { type: 'none' }, followers });
  });

  const multicast = (retryKey?: string) =>
    request(sim.url)
      .post('/v2/bot/message/multicast')
      .set(bearer())
      .set(retryKey ? { 'X-Line-Retry-Key': retryKey } : {})
      .send({ to: followers, messages: hello });
  const setFaults = (faults: Record<string, unknown>) =>
    request(sim.url).put('/_sim/channels/ch1/faults').send(faults).expect(200);
  const deliveries = async () => (await request(sim.url).get('/_sim/channels/ch1/deliveries').expect(200)).body;
  const consumption = async () =>
    (await request(sim.url).get('/_sim/channels/ch1/consumption').expect(200)).body.totalUsage as number;

  it('answers a share of requests with 5xx, delivering nothing and leaving the retry key free', async () => {
    await setFaults({ serverErrorRate: 1, serverErrorStatus: 503 });
    const retryKey = randomUUID();
    await multicast(retryKey).expect(503);
    expect((await deliveries()).totalDeliveries).toBe(0);
    await request(sim.url).delete('/_sim/channels/ch1/faults').expect(200);
    await multicast(retryKey).expect(200);
    expect(await consumption()).toBe(3);
  });

  it('loses the response of an accepted request: delivered and counted once, the retry then gets 409', async () => {
    await setFaults({ script: ['server_error', 'lost_response'] });
    const retryKey = randomUUID();
    await multicast(retryKey).expect(500);
    const lost = await multicast(retryKey).then(
      () => null,
      (error: NodeJS.ErrnoException) => error,
    );
    expect(lost?.code).toBe('ECONNRESET');
    const duplicate = await multicast(retryKey).expect(409);
    const { requests } = (await request(sim.url).get('/_sim/channels/ch1/requests')).body;
    expect(
      requests.map((entry: { status: number; responseLost: boolean }) => [entry.status, entry.responseLost]),
    ).toEqual([
      [500, false],
      [200, true],
      [409, false],
    ]);
    expect(duplicate.headers['x-line-accepted-request-id']).toBe(requests[1].requestId);
    expect(await deliveries()).toMatchObject({ totalDeliveries: 3, distinctRecipients: 3, repeatedRecipients: [] });
    expect(await consumption()).toBe(3);
  });

  it('adds latency', async () => {
    await setFaults({ latencyMs: 150 });
    const started = Date.now();
    await request(sim.url).get('/v2/bot/message/quota').set(bearer()).expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('repeats the followers continuation token when asked, so the list never ends', async () => {
    await createChannel(sim, 'many', { accessToken: 'many-token', followerCount: 5 });
    const page = async (start?: string) =>
      (
        await request(sim.url)
          .get('/v2/bot/followers/ids')
          .query(start === undefined ? { limit: 2 } : { limit: 2, start })
          .set(bearer('many-token'))
          .expect(200)
      ).body as { userIds: string[]; next?: string };
    const first = await page();
    const second = await page(first.next);
    expect(second.next).not.toBe(first.next);

    await request(sim.url).put('/_sim/channels/many/faults').send({ repeatFollowersCursor: true }).expect(200);
    expect(await page()).toEqual(first); // the first page is as before
    const repeated = await page(first.next);
    expect(repeated).toEqual({ userIds: second.userIds, next: first.next });
    expect(await page(repeated.next)).toEqual(repeated);
    await request(sim.url).put('/_sim/channels/many/faults').send({ repeatFollowersCursor: 'yes' }).expect(400);
  });

  it('applies faults only to the endpoints named', async () => {
    await setFaults({ serverErrorRate: 1, endpoints: ['multicast'] });
    await request(sim.url).get('/v2/bot/message/quota').set(bearer()).expect(200);
    await multicast().expect(500);
  });

  it('repeats the same faults for the same seed', async () => {
    const statuses = async (seed: string) => {
      await request(sim.url).post('/_sim/channels/ch1/reset').expect(200);
      await setFaults({ serverErrorRate: 0.5, seed });
      const seen: number[] = [];
      for (let i = 0; i < 24; i += 1)
        seen.push((await request(sim.url).get('/v2/bot/message/quota').set(bearer())).status);
      return seen;
    };
    const first = await statuses('alpha');
    expect(await statuses('alpha')).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await statuses('beta')).not.toEqual(first);
  });

  it('derives each channel’s default fault seed from the simulator seed', async () => {
    const runOn = async (target: LineSimulatorHandle) => {
      await createChannel(target, 'seeded', { accessToken: 'seeded-token', faults: { serverErrorRate: 0.5 } });
      const seen: number[] = [];
      for (let i = 0; i < 16; i += 1)
        seen.push((await request(target.url).get('/v2/bot/info').set(bearer('seeded-token'))).status);
      return seen;
    };
    const other = await startTestSimulator({ seed: 'test' });
    try {
      expect(await runOn(sim)).toEqual(await runOn(other));
    } finally {
      await other.close();
    }
  });
});
