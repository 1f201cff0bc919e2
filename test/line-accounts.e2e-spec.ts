import { bearer, createTestApp, TestApp } from './support/app';

const account = (overrides: Record<string, unknown> = {}) => ({
  name: 'Taipei store',
  channelId: String(1_650_000_000 + Math.floor(Math.random() * 1_000_000)),
  channelAccessToken: 'token-that-must-never-leak',
  channelSecret: 'secret-that-must-never-leak',
  region: 'TW',
  plan: 'high',
  timezone: 'Asia/Taipei',
  monthlyBudget: '500',
  additionalMessageCap: null,
  otherPushHeadroom: 0,
  apiBaseUrl: null,
  ...overrides,
});

describe('LINE accounts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('registers an account and never returns or audits its secrets', async () => {
    const created = await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account()).expect(201);
    expect(created.body).toMatchObject({
      plan: 'high',
      region: 'TW',
      monthlyBudget: { amount: '500.0000', currency: 'TWD' },
      version: 1,
    });
    const all = JSON.stringify([
      created.body,
      (await t.http().get(`/api/v1/line-accounts/${created.body.id}`).set(bearer(t.adminToken)).expect(200)).body,
      (await t.http().get('/api/v1/line-accounts').set(bearer(t.adminToken)).expect(200)).body,
      (await t.db.pool.query('SELECT before, after FROM audit_events')).rows,
    ]);
    expect(all).not.toContain('must-never-leak');
  });

  it('takes regions, plans and the currency from the rate cards: a region an admin adds is one accounts can use', async () => {
    const jp = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send(account({ region: 'JP', plan: 'standard', timezone: 'Asia/Tokyo', monthlyBudget: '18000' }))
      .expect(201);
    expect(jp.body.monthlyBudget).toEqual({ amount: '18000.0000', currency: 'JPY' });
    const before = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send(account({ region: 'TH', plan: 'basic' }))
      .expect(400);
    expect(before.body.details).toEqual([
      { field: 'region', problem: expect.stringMatching(/no rate cards for region TH; one of .*JP.*TW/) },
    ]);
    await t
      .http()
      .post('/api/v1/rate-cards')
      .set(bearer(t.adminToken))
      .send({
        region: 'TH',
        plan: 'basic',
        currency: 'THB',
        monthlyFee: '0',
        freeMessages: 300,
        additionalAllowed: false,
        tiers: [],
        effectiveFrom: '2024-01-01',
        source: 'test card',
        verified: true,
      })
      .expect(201);
    const th = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send(account({ region: 'TH', plan: 'basic', timezone: 'Asia/Bangkok' }))
      .expect(201);
    expect(th.body).toMatchObject({
      region: 'TH',
      plan: 'basic',
      monthlyBudget: { amount: '500.0000', currency: 'THB' },
    });
    const wrongPlan = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send(account({ region: 'TH', plan: 'high' }))
      .expect(400);
    expect(wrongPlan.body.details).toEqual([{ field: 'plan', problem: 'not a plan of region TH; one of basic' }]);
    // Moving an account to another region moves its currency with it.
    const moved = await t
      .http()
      .patch(`/api/v1/line-accounts/${th.body.id}`)
      .set(bearer(t.adminToken))
      .send({ version: th.body.version, region: 'JP', plan: 'light' })
      .expect(200);
    expect(moved.body.monthlyBudget.currency).toBe('JPY');
  });

  it('lets every role read but only admins write', async () => {
    const marketer = await t.createUser('marketer');
    await t.http().get('/api/v1/line-accounts').set(bearer(marketer.token)).expect(200);
    await t.http().post('/api/v1/line-accounts').set(bearer(marketer.token)).send(account()).expect(403);
  });

  it('refuses plans of another region, bad zones and bad money with the field named', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ plan: 'standard' }, 'plan'],
      [{ region: 'XX' }, 'region'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ monthlyBudget: '-5' }, 'monthlyBudget'],
      [{ monthlyBudget: 500 }, 'monthlyBudget'],
      [{ monthlyBudget: '1.23456' }, 'monthlyBudget'],
      [{ apiBaseUrl: 'ftp://x' }, 'apiBaseUrl'],
      [{ additionalMessageCap: -1 }, 'additionalMessageCap'],
    ];
    for (const [overrides, field] of cases) {
      const response = await t
        .http()
        .post('/api/v1/line-accounts')
        .set(bearer(t.adminToken))
        .send(account(overrides))
        .expect(400);
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const duplicate = account();
    await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(duplicate).expect(201);
    await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(duplicate).expect(409);
  });

  it('audits plan and budget changes with before and after, and refuses a stale version', async () => {
    const created = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send(account({ plan: 'medium' }))
      .expect(201);
    const updated = await t
      .http()
      .patch(`/api/v1/line-accounts/${created.body.id}`)
      .set(bearer(t.adminToken))
      .send({ version: 1, plan: 'high', monthlyBudget: '800.50', channelSecret: 'rotated-secret-never-leaks' })
      .expect(200);
    expect(updated.body).toMatchObject({ plan: 'high', monthlyBudget: { amount: '800.5000' }, version: 2 });
    await t
      .http()
      .patch(`/api/v1/line-accounts/${created.body.id}`)
      .set(bearer(t.adminToken))
      .send({ version: 1, plan: 'light' })
      .expect(409);
    const { rows } = await t.db.pool.query(
      `SELECT action, before->>'plan' AS before_plan, after->>'plan' AS after_plan, after->'monthlyBudget'->>'amount' AS budget, reason
         FROM audit_events WHERE entity_id = $1 ORDER BY created_at`,
      [created.body.id],
    );
    expect(rows[1]).toEqual({
      action: 'line_account.updated',
      before_plan: 'medium',
      after_plan: 'high',
      budget: '800.5000',
      reason: 'secrets replaced: channelSecret',
    });
    expect(JSON.stringify(rows)).not.toContain('rotated-secret');
  });
});
