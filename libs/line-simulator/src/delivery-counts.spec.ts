import request from 'supertest';
import type { LineSimulatorHandle } from './server';
import { bearer, createChannel, hello, startTestSimulator, TOKEN, userIds } from './testing/simulator-fixture';

/** Delivery counts per LINE day (UTC+9): what the service reconciles its ledger against. */
describe('LINE simulator: delivery counts per day', () => {
  let sim: LineSimulatorHandle;
  const followers = userIds(1, 30);
  const blocked = userIds(100, 5);
  const api = () => request(sim.url);

  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await api().post('/_sim/reset').expect(200);
    await api().put('/_sim/clock').send({ now: '2026-12-01T03:00:00Z' }).expect(200);
    await createChannel(sim, 'ch1', { accessToken: TOKEN, quota: { type: 'none' }, followers, blocked });
  });

  const count = (kind: string, date: string) =>
    api().get(`/v2/bot/message/delivery/${kind}?date=${date}`).set(bearer()).expect(200);

  it('counts only followers, per endpoint and UTC+9 day, once the day is over', async () => {
    // 30 followers, 5 who blocked the account and 10 unknown ids: LINE accepts 45, counts 30.
    await api()
      .post('/v2/bot/message/multicast')
      .set(bearer())
      .send({ to: [...followers, ...blocked, ...userIds(200, 10)], messages: hello })
      .expect(200);
    expect((await count('multicast', '20261201')).body).toEqual({ status: 'unready' });
    // 14:59 UTC is still 1 December in UTC+9; 15:00 UTC is the 2nd.
    await api().put('/_sim/clock').send({ now: '2026-12-01T14:59:00Z' }).expect(200);
    expect((await count('multicast', '20261201')).body).toEqual({ status: 'unready' });
    await api().put('/_sim/clock').send({ now: '2026-12-01T15:00:00Z' }).expect(200);
    expect((await count('multicast', '20261201')).body).toEqual({ status: 'ready', success: 30 });
    expect((await count('push', '20261201')).body).toEqual({ status: 'unavailable_for_privacy' });
    expect((await count('multicast', '20261202')).body).toEqual({ status: 'unready' });
    const view = await api().get('/_sim/channels/ch1/delivery-counts').expect(200);
    expect(view.body.days).toEqual([
      { date: '20261201', endpoint: 'multicast', counted: 30, figure: { status: 'ready', success: 30 } },
    ]);
  });

  it('waits readyAfterMs past the day, and answers a day a test sets', async () => {
    await api().post('/v2/bot/message/multicast').set(bearer()).send({ to: followers, messages: hello }).expect(200);
    await api()
      .put('/_sim/channels/ch1/delivery-counts')
      .send({ readyAfterMs: 3_600_000, days: { '20261130': { push: { status: 'ready', success: 7 } } } })
      .expect(200);
    await api().put('/_sim/clock').send({ now: '2026-12-01T15:30:00Z' }).expect(200);
    expect((await count('multicast', '20261201')).body).toEqual({ status: 'unready' });
    await api().put('/_sim/clock').send({ now: '2026-12-01T16:00:00Z' }).expect(200);
    expect((await count('multicast', '20261201')).body).toEqual({ status: 'ready', success: 30 });
    expect((await count('push', '20261130')).body).toEqual({ status: 'ready', success: 7 });
    await api()
      .put('/_sim/channels/ch1/delivery-counts')
      .send({ days: { '20261130': { push: null } } })
      .expect(200);
    expect((await count('push', '20261130')).body).toEqual({ status: 'unavailable_for_privacy' });
  });

  it('refuses malformed dates and control bodies, naming the problem', async () => {
    const bad = await api().get('/v2/bot/message/delivery/multicast?date=20261301').set(bearer()).expect(400);
    expect(bad.body.details).toEqual([{ property: 'date', message: 'must be yyyyMMdd' }]);
    await api().get('/v2/bot/message/delivery/multicast').set(bearer()).expect(400);
    const control = await api()
      .put('/_sim/channels/ch1/delivery-counts')
      .send({ readyAfterMs: -1, days: { '20261201': { multicast: { status: 'ready' } } } })
      .expect(400);
    expect(control.body.problems).toHaveLength(2);
    await api().get('/_sim/channels/nope/delivery-counts').expect(404);
  });
});
