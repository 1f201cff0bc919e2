import request from 'supertest';
import { readAppConfig } from '../apps/api/src/config/app-config';
import { SandboxHandle, startSandbox } from '../apps/api/src/bootstrap/sandbox';
import { bearer, createTestApp, TestApp } from './support/app';

/**
 * The README's walk-through, call for call, against the sandbox `npm start` prepares (the same
 * startSandbox): a free send to the sample audience, a paid one to everyone, a refused one, and the
 * month's usage. When this test changes, the README's curl calls change with it.
 */
describe("README walk-through on npm start's sandbox", () => {
  let t: TestApp;
  let sandbox: SandboxHandle;
  let marketer: string;
  let approver: string;

  beforeAll(async () => {
    t = await createTestApp({ DISPATCH_ENABLED: 'true', DISPATCH_POLL_MS: '50', LINE_TIMEOUT_MS: '2000' });
    sandbox = await startSandbox(t.app, readAppConfig({ DATABASE_URL: t.db.url, LINE_SIMULATOR_PORT: '0' }));
  });
  afterAll(async () => {
    await sandbox?.close();
    await t?.close();
  });

  const api = () => t.http();
  const post = (path: string, token: string, body: object = {}) =>
    api().post(`/api/v1${path}`).set(bearer(token)).send(body);
  const get = (path: string, token: string) => api().get(`/api/v1${path}`).set(bearer(token));

  async function runToEnd(runId: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 200; i++) {
      const run = (await get(`/runs/${runId}`, marketer).expect(200)).body;
      if (!['scheduled', 'sending'].includes(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${runId} did not finish`);
  }

  /** Steps 3-5: create, submit, approve, send-now; returns each answer. */
  async function campaign(audienceId: string, name: string, extra: object = {}) {
    const created = await post('/campaigns', marketer, {
      lineAccountId: sandbox.accountId,
      audienceId,
      name,
      messages: [{ type: 'text', text: `${name}: 20% off this weekend` }],
      ...extra,
    }).expect(201);
    const submitted = await post(`/campaigns/${created.body.id}/submit`, marketer).expect(200);
    const approved = await post(`/campaigns/${created.body.id}/approve`, approver, { comment: 'OK' }).expect(200);
    const sent = await post(`/campaigns/${created.body.id}/send-now`, approver);
    return { id: created.body.id as string, submitted: submitted.body, approved: approved.body, sent };
  }

  it('takes the sandbox from its sample audience to a free, a paid and a refused send, and the month adds up', async () => {
    // What npm start printed: the sandbox account and its sample audience (100 VIPs of 1,000 followers).
    expect(sandbox.audienceId).not.toBeNull();
    const size = (await get(`/audiences/${sandbox.audienceId}/size`, t.adminToken).expect(200)).body;
    expect(size).toMatchObject({ recipients: 100, excluded: { blocked: 0, unfollowed: 0 } });
    const contacts = (await get(`/line-accounts/${sandbox.accountId}/contacts?tag=vip&limit=1`, t.adminToken)).body;
    expect(contacts.items[0]).toMatchObject({ tags: expect.arrayContaining(['vip']), attributes: { city: 'Taipei' } });

    // 1. Two colleagues with tokens: a marketer and an approver.
    marketer = (
      await post('/users', t.adminToken, { email: 'mei@example.com', name: 'Mei', role: 'marketer' }).expect(201)
    ).body.token;
    approver = (
      await post('/users', t.adminToken, { email: 'chen@example.com', name: 'Chen', role: 'approver' }).expect(201)
    ).body.token;

    // 2. The month so far: LINE counted 5,700 of the 6,000 free messages.
    const before = (await get(`/line-accounts/${sandbox.accountId}/usage`, t.adminToken).expect(200)).body;
    expect(before).toMatchObject({ used: 5700, remainingFree: 300, spend: { amount: '0.0000' } });
    expect(before.budget.amount).toBe('500.0000');

    // 3. A free send to the VIPs.
    const free = await campaign(sandbox.audienceId!, 'VIP preview');
    expect(free.submitted).toMatchObject({
      status: 'pending_approval',
      forecast: { verdict: 'ok', recipients: 100, freeMessages: 100, paidMessages: 0, cost: { amount: '0.0000' } },
    });
    expect(free.approved).toMatchObject({ status: 'approved', forecast: { verdict: 'ok' } });
    expect(free.sent.status).toBe(202);
    expect(await runToEnd(free.sent.body.id)).toMatchObject({
      status: 'completed',
      progress: { delivered: 100 },
      actual: { messages: 100, cost: { amount: '0.0000' } },
    });

    // 4. A paid send to everyone who follows: 200 free, 800 paid at NT$0.2.
    const everyone = await post('/audiences', marketer, {
      lineAccountId: sandbox.accountId,
      name: 'Everyone',
      definition: { all: [] },
    }).expect(201);
    const paid = await campaign(everyone.body.id, 'Weekend sale');
    expect(paid.submitted.forecast).toMatchObject({
      verdict: 'ok',
      recipients: 1000,
      freeMessages: 200,
      paidMessages: 800,
      cost: { amount: '160.0000', currency: 'TWD' },
      warnings: [expect.stringContaining('unverified rate card')],
    });
    expect(paid.sent.status).toBe(202);
    expect(await runToEnd(paid.sent.body.id)).toMatchObject({
      status: 'completed',
      progress: { delivered: 1000 },
      actual: { messages: 1000, cost: { amount: '160.0000' } },
    });

    // 5. A refused send: a campaign capped at NT$50 would cost NT$200. The forecast says so at submit,
    // and send-now is refused with 422, the reason and the call that clears it.
    const refused = await campaign(everyone.body.id, 'Capped sale', { costCap: '50' });
    expect(refused.submitted.forecast).toMatchObject({
      verdict: 'over_budget',
      cost: { amount: '200.0000' },
      blockReasons: [
        { code: 'over_budget', message: expect.stringContaining("the campaign's cost cap of 50.0000 TWD") },
      ],
    });
    expect(refused.sent.status).toBe(422);
    expect(refused.sent.body).toMatchObject({
      statusCode: 422,
      message: expect.stringMatching(/^the budget gate refused this send \(over_budget\)/),
      run: { status: 'blocked', blockReasons: [{ code: 'over_budget' }] },
    });

    // 6. The month's usage: 6,800 used, 800 of them paid, NT$160 of NT$500 spent, nothing left reserved.
    const after = (await get(`/line-accounts/${sandbox.accountId}/usage`, t.adminToken).expect(200)).body;
    expect(after).toMatchObject({
      used: 6800,
      reserved: 0,
      paidMessages: 800,
      spend: { amount: '160.0000' },
      budgetRemaining: { amount: '340.0000' },
    });
    // LINE agrees: the simulator counted the same sends.
    const consumption = await request(sandbox.url).get('/_sim/channels/2000000000/consumption').expect(200);
    expect(consumption.body.totalUsage).toBe(6800);

    // Results (README, "Results: what a send did"): LINE counted 420 who opened the paid send and
    // 12 who tapped (fewer than 20: LINE says null), then 30 who tapped.
    const paidCampaignId = paid.id;
    const unit = (await get(`/runs/${paid.sent.body.id}`, marketer).expect(200)).body.aggregationUnit as string;
    const figures = (uniqueClick: number) =>
      request(sandbox.url)
        .put(`/_sim/channels/2000000000/statistics/${unit}`)
        .send({ uniqueImpression: 420, uniqueClick })
        .expect(200);
    await figures(12);
    const first = (await post(`/campaigns/${paidCampaignId}/results/refresh`, marketer).expect(200)).body;
    expect(first.runs[0]).toMatchObject({
      delivered: 1000,
      uniqueImpressions: { value: 420, belowThreshold: false },
      uniqueClicks: { value: null, belowThreshold: true },
      rates: { uniqueImpressionRate: '0.4200', uniqueClickRate: null },
      costPer: {
        thousandDelivered: { amount: '160.0000', currency: 'TWD' },
        uniqueImpression: { amount: '0.3810' },
        uniqueClick: null,
      },
    });
    expect(first.aggregationUnits).toMatchObject({ used: 2, limit: 1000, remaining: 998 });
    await figures(30);
    const second = (await post(`/campaigns/${paidCampaignId}/results/refresh`, marketer).expect(200)).body;
    expect(second.runs[0]).toMatchObject({
      rates: { uniqueClickRate: '0.0300' },
      costPer: { uniqueClick: { amount: '5.3333' } },
    });
  });
});
