import { bearer, createTestApp, TestApp } from './support/app';
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
