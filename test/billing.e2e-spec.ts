import { DEFAULT_RATE_CARDS } from '@lcm/domain/pricing';
import { bearer, createTestApp, TestApp } from './support/app';
import { LedgerService } from '../apps/api/src/billing/ledger.service';
import { LineAccountsService } from '../apps/api/src/line-accounts/line-accounts.service';

/** The shipped TW high-plan card (fee, free messages, currency), for tests that load other bands over it. */
const TW_HIGH = DEFAULT_RATE_CARDS.find((card) => card.region === 'TW' && card.plan === 'high')!;

describe('rate cards, forecasts and the month ledger', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ QUOTA_MAX_AGE_SECONDS: '900' });
  });
  afterAll(() => t.close());

  async function createAccount(overrides: Record<string, unknown> = {}): Promise<string> {
    const response = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send({
        name: 'Store',
        channelId: String(1_700_000_000 + Math.floor(Math.random() * 1e6)),
        channelAccessToken: 'tok',
        channelSecret: 'sec',
        plan: 'high',
        monthlyBudget: '500',
        ...overrides,
      })
      .expect(201);
    return response.body.id;
  }

  /** Pretend LINE was just read: nothing used, no LINE-side cap. */
  async function freshReading(accountId: string, consumption = 0): Promise<void> {
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Taipei', year: 'numeric', month: '2-digit' })
      .format(new Date())
      .slice(0, 7);
    await t.db.pool.query(
      `INSERT INTO account_months (id, line_account_id, month, line_quota_type, line_consumption, line_reading_at)
       VALUES (gen_random_uuid(), $1, $2, 'none', $3, now())
       ON CONFLICT (line_account_id, month) DO UPDATE SET line_quota_type = 'none', line_consumption = $3, line_reading_at = now()`,
      [accountId, month, consumption],
    );
  }

  it('ships the default TW and JP rate cards, the high plans as unverified upper bounds', async () => {
    const cards = (await t.http().get('/api/v1/rate-cards').set(bearer(t.adminToken)).expect(200)).body.items;
    const key = (c: { region: string; plan: string }) => `${c.region}/${c.plan}`;
    expect(cards.map(key).sort()).toEqual([
      'JP/communication',
      'JP/light',
      'JP/standard',
      'TW/high',
      'TW/light',
      'TW/medium',
    ]);
    const high = cards.find((c: { region: string; plan: string }) => key(c) === 'TW/high');
    expect(high).toMatchObject({
      freeMessages: 6000,
      additionalAllowed: true,
      verified: false,
      tiers: [{ upTo: null, unitPrice: '0.2' }],
    });
    expect(high.source).toBeTruthy();
  });

  it('refuses invalid cards with the field, and only admins add cards', async () => {
    const marketer = await t.createUser('marketer');
    const card = {
      ...TW_HIGH,
      tiers: [
        { upTo: 100, unitPrice: '0.2' },
        { upTo: 50, unitPrice: '0.1' },
        { upTo: null, unitPrice: '0.05' },
      ],
      effectiveFrom: '2026-01-01',
      source: 'test',
      verified: true,
    };
    await t.http().post('/api/v1/rate-cards').set(bearer(marketer.token)).send(card).expect(403);
    const bad = await t.http().post('/api/v1/rate-cards').set(bearer(t.adminToken)).send(card).expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toContain('tiers[1].upTo');
    const negative = await t
      .http()
      .post('/api/v1/rate-cards')
      .set(bearer(t.adminToken))
      .send({ ...card, tiers: [{ upTo: null, unitPrice: '-1' }] })
      .expect(400);
    expect(negative.body.details.map((d: { field: string }) => d.field)).toContain('tiers[0].unitPrice');
  });

  it('moves from ok to over_budget exactly where a loaded band table predicts (high plan, NT$500)', async () => {
    // A verified three-band table loaded by an admin (figures for the test, not LINE's).
    await t
      .http()
      .post('/api/v1/rate-cards')
      .set(bearer(t.adminToken))
      .send({
        ...TW_HIGH,
        tiers: [
          { upTo: 1000, unitPrice: '0.2' },
          { upTo: 3000, unitPrice: '0.1' },
          { upTo: null, unitPrice: '0.05' },
        ],
        effectiveFrom: '2024-01-01',
        source: 'test band table',
        verified: true,
      })
      .expect(201);
    const accountId = await createAccount();
    await freshReading(accountId);
    // 1000 × 0.2 = 200, then 2000 × 0.1 = 200 → 400 at 3000 paid; NT$100 more buys 2000 × 0.05 → 5000 paid exactly.
    const forecast = async (recipients: number) =>
      (
        await t
          .http()
          .post('/api/v1/forecasts')
          .set(bearer(t.adminToken))
          .send({ lineAccountId: accountId, recipients, messageObjects: 1 })
          .expect(200)
      ).body;
    const fits = await forecast(6000 + 5000);
    expect(fits).toMatchObject({
      verdict: 'ok',
      freeMessages: 6000,
      paidMessages: 5000,
      cost: { amount: '500.0000', currency: 'TWD' },
      rateCard: { verified: true, source: 'test band table' },
    });
    expect(fits.cost.bands).toEqual([
      { from: 1, to: 1000, unitPrice: '0.2', messages: 1000, amount: '200.0000' },
      { from: 1001, to: 3000, unitPrice: '0.1', messages: 2000, amount: '200.0000' },
      { from: 3001, to: 5000, unitPrice: '0.05', messages: 2000, amount: '100.0000' },
    ]);
    const over = await forecast(6000 + 5001);
    expect(over.verdict).toBe('over_budget');
    expect(over.cost.amount).toBe('500.0500');
    expect(over.suggestions).toContainEqual(expect.objectContaining({ kind: 'trim', maxRecipients: 11000 }));
    expect(over.reasons.join(' ')).toMatch(/budget/i);
  });

  it('says quota_unknown when LINE was never read and a cap applies', async () => {
    const accountId = await createAccount({ plan: 'light' });
    const response = await t
      .http()
      .post('/api/v1/forecasts')
      .set(bearer(t.adminToken))
      .send({ lineAccountId: accountId, recipients: 10, messageObjects: 1 })
      .expect(200);
    expect(response.body.verdict).toBe('quota_unknown');
    expect(response.body.quota.fresh).toBe(false);
  });

  it('light plan with 150 used and 100 recipients is over_plan_limit', async () => {
    const accountId = await createAccount({ plan: 'light' });
    await freshReading(accountId, 150);
    const response = await t
      .http()
      .post('/api/v1/forecasts')
      .set(bearer(t.adminToken))
      .send({ lineAccountId: accountId, recipients: 100, messageObjects: 1 })
      .expect(200);
    expect(response.body).toMatchObject({
      verdict: 'over_plan_limit',
      freeMessages: 50,
      paidMessages: 50,
      quota: { free: 200, used: 150, remainingFree: 50, source: 'line' },
    });
  });

  it('refuses bad forecast input with the field named', async () => {
    const accountId = await createAccount();
    const bad = await t
      .http()
      .post('/api/v1/forecasts')
      .set(bearer(t.adminToken))
      .send({ lineAccountId: accountId, recipients: -1, messageObjects: 0, costCap: 'lots' })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'costCap',
      'messageObjects',
      'recipients',
    ]);
    await t
      .http()
      .post('/api/v1/forecasts')
      .set(bearer(t.adminToken))
      .send({ lineAccountId: '00000000-0000-4000-8000-000000000000', recipients: 1, messageObjects: 1 })
      .expect(404);
    await t.http().get(`/api/v1/line-accounts/${accountId}/usage?month=2026-13`).set(bearer(t.adminToken)).expect(400);
  });

  it('never spends the same budget twice under 20 concurrent reservations, and usage agrees', async () => {
    // JP standard (default card): 30,000 free, then ¥3 a message (the unverified upper bound); a ¥18,000 cap buys 6,000.
    const accountId = await createAccount({ region: 'JP', plan: 'standard', monthlyBudget: '18000' });
    await freshReading(accountId);
    const account = await t.app.get(LineAccountsService).mustFind(accountId);
    const ledger = t.app.get(LedgerService);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ledger.reserve({ account, recipients: 3000, messageObjects: 1, costCap: null, label: `r${i}` }),
      ),
    );
    const held = results.filter((r) => r.reservation);
    expect(held).toHaveLength(12); // 10 free + 2 paid (¥9,000 each); a third paid one would make ¥27,000
    const reservedCost = held.reduce((sum, r) => sum + Number(r.reservation!.cost), 0);
    expect(reservedCost).toBe(18000);
    for (const refused of results.filter((r) => !r.reservation))
      expect(refused.forecast.response.verdict).toBe('over_budget');

    // Settle half of one paid reservation, release the rest.
    const paid = held.find((r) => Number(r.reservation!.cost) > 0)!.reservation!;
    await ledger.settle(paid.id, 500);
    await ledger.release(paid.id);
    const free = held.find((r) => Number(r.reservation!.cost) === 0)!.reservation!;
    await ledger.settle(free.id, 3000);

    const usage = (await t.http().get(`/api/v1/line-accounts/${accountId}/usage`).set(bearer(t.adminToken)).expect(200))
      .body;
    // The paid reservation's positions come after the free ones it was reserved behind, so its 500 settled cost money.
    expect(usage).toMatchObject({
      used: 3500,
      reserved: 12 * 3000 - 3000 - 3000,
      freeQuota: 30000,
      spend: { amount: '1500.0000', currency: 'JPY' },
      paidMessages: 500,
    });
    const { rows } = await t.db.pool.query(
      `SELECT sum(messages - settled_messages) FILTER (WHERE status = 'held')::int AS held_messages,
              sum(cost - settled_cost) FILTER (WHERE status = 'held')::text AS held_cost
         FROM reservations WHERE line_account_id = $1`,
      [accountId],
    );
    expect(rows[0].held_messages).toBe(usage.reserved);
    expect(Number(rows[0].held_cost)).toBe(9000);
    expect(usage.budgetRemaining.amount).toBe('7500.0000'); // 18,000 − 1,500 spent − 9,000 still held
    expect(usage.byCampaign).toEqual([
      { campaignId: null, messages: 3500, paidMessages: 500, cost: { amount: '1500.0000', currency: 'JPY' } },
    ]);
  });
});
