import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import { TestClock } from './support/test-clock';

const channelId = '1650001402';
const accessToken = 'alerts-access-token';
const secret = 'alerts-signing-secret-0123456789';
const userId = (i: number) => `U${i.toString(16).padStart(32, '0')}`;

interface Received {
  signature: string | undefined;
  raw: string;
  body: { text: string; attachments: { fields: unknown[] }[]; alert: Record<string, unknown> };
  answered: number;
}

/** A webhook receiver that answers the statuses it is given, in turn (then 200), and keeps every request. */
async function startReceiver() {
  const received: Received[] = [];
  const answers: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const answered = answers.shift() ?? 200;
      received.push({ signature: req.headers['x-signature-256'] as string, raw, body: JSON.parse(raw), answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, answers, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Issue 14, the month's alerts: the projection crossing each threshold of the free quota, LINE's
 * limit or the budget cap, and a scheduled run forecast to be blocked, each POSTed once a month to
 * the account's webhook, signed, retried after a 500, and written to the audit log.
 */
describe("the month's alerts", () => {
  const clock = new TestClock('2027-05-03T00:00:00Z'); // 08:00 on 3 May in Taipei
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let accountId: string;
  let marketer: { token: string };
  let approver: { token: string };

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startLineSimulator({ port: 0, seed: 'alerts-e2e' });
    await request(sim.url)
      .put(`/_sim/channels/${channelId}`)
      .send({ accessToken, quota: { type: 'limited', value: 10_000 }, consumption: 5700 })
      .expect(201);
    t = await createTestApp(
      // Alerts go out from dispatching instances only (like sends).
      { DISPATCH_ENABLED: 'true', DISPATCH_POLL_MS: '50', DISPATCH_RETRY_BASE_MS: '50', DISPATCH_RETRY_MAX_MS: '100' },
      undefined,
      { clock },
    );
    t.rememberSecret('the alerts signing secret', secret);
    const created = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send({
        name: 'Alerts OA',
        channelId,
        channelAccessToken: accessToken,
        channelSecret: 'alerts-channel-secret',
        plan: 'high',
        monthlyBudget: '500',
        apiBaseUrl: sim.url,
        alerts: { webhookUrl: receiver.url, secret, thresholds: [100, 80] },
      })
      .expect(201);
    accountId = created.body.id;
    [marketer, approver] = await Promise.all([t.createUser('marketer'), t.createUser('approver')]);
    await t
      .http()
      .put(`/api/v1/line-accounts/${accountId}/contacts`)
      .set(bearer(marketer.token))
      .send({
        contacts: Array.from({ length: 1000 }, (_, i) => ({ lineUserId: userId(i + 1), status: 'following' })),
      })
      .expect(200);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await receiver?.close();
  });

  const sync = () =>
    t.http().post(`/api/v1/line-accounts/${accountId}/quota-sync`).set(bearer(t.adminToken)).expect(200);
  const signed = (raw: string) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  const kinds = () => receiver.received.filter((r) => r.answered === 200).map((r) => r.body.alert);
  const auditActions = async () =>
    (
      await t
        .http()
        .get(`/api/v1/audit?entityType=line_account&entityId=${accountId}&limit=500`)
        .set(bearer(t.adminToken))
        .expect(200)
    ).body.items
      .map((item: { action: string }) => item.action)
      .filter((action: string) => action.startsWith('alert.'))
      .reverse(); // the log is newest first; these read in the order they happened

  it('keeps the signing secret write-only, and refuses alerts without one', async () => {
    const account = (await t.http().get(`/api/v1/line-accounts/${accountId}`).set(bearer(t.adminToken)).expect(200))
      .body;
    expect(account.alerts).toEqual({ webhookUrl: receiver.url, thresholds: [80, 100], hasSecret: true });
    expect(JSON.stringify(account)).not.toContain(secret);
    const refused = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send({
        name: 'No secret',
        channelId: '1650001403',
        channelAccessToken: 'x',
        channelSecret: 'y',
        plan: 'high',
        monthlyBudget: '1',
        alerts: { webhookUrl: receiver.url },
      })
      .expect(400);
    expect(refused.body.details).toEqual([{ field: 'alerts.secret', problem: expect.stringContaining('required') }]);
  });

  it('alerts once at 80% of the free quota on a LINE reading, signed, retried after a 500', async () => {
    receiver.answers.push(500);
    // Five readings at once: the alert is raised once (a unique key in PostgreSQL), sent until it lands.
    await Promise.all(Array.from({ length: 5 }, sync));
    await until('the 80% alert to land', () => (kinds().length >= 1 ? true : undefined));
    expect(receiver.received.map((r) => r.answered)).toEqual([500, 200]);
    for (const r of receiver.received) expect(r.signature).toBe(signed(r.raw));
    const [first, second] = receiver.received;
    expect(second.raw).toBe(first.raw); // the same alert, re-sent
    expect(second.body).toMatchObject({
      text: expect.stringContaining('95% of the free quota'),
      attachments: [{ fields: expect.arrayContaining([{ title: 'Projected', value: '5700', short: true }]) }],
      alert: { kind: 'free_quota', threshold: 80, month: '2027-05', lineAccountId: accountId },
    });

    // Further readings at the same figures raise nothing new.
    await sync();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(2);
    expect(await auditActions()).toEqual(['alert.raised', 'alert.attempt_failed', 'alert.delivered']);
  });

  it('alerts at 100% and for a scheduled run forecast to be blocked when a campaign is approved', async () => {
    const audience = await t
      .http()
      .post('/api/v1/audiences')
      .set(bearer(marketer.token))
      .send({ lineAccountId: accountId, name: 'Everyone', definition: { all: [] } })
      .expect(201);
    // 1,000 recipients on 20 May: 300 free, 700 at NT$0.2 = NT$140, past its own NT$10 cost cap.
    const campaign = await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(marketer.token))
      .send({
        lineAccountId: accountId,
        audienceId: audience.body.id,
        name: 'May sale',
        costCap: '10',
        messages: [{ type: 'text', text: 'May sale!' }],
        schedule: { at: '2027-05-20T02:00:00Z' },
      })
      .expect(201);
    await t
      .http()
      .post(`/api/v1/campaigns/${campaign.body.id}/submit`)
      .set(bearer(marketer.token))
      .send({})
      .expect(200);
    const approved = await t
      .http()
      .post(`/api/v1/campaigns/${campaign.body.id}/approve`)
      .set(bearer(approver.token))
      .send({})
      .expect(200);
    const runId = approved.body.runs?.[0]?.id ?? (await firstRunId(campaign.body.id));
    await until('two more alerts', () => (kinds().length >= 3 ? true : undefined));
    expect(kinds().slice(1)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'free_quota', threshold: 100, month: '2027-05' }),
        expect.objectContaining({ kind: 'run_blocked', threshold: 0, subject: runId }),
      ]),
    );
    const blocked = receiver.received.find((r) => r.body.alert.kind === 'run_blocked')!;
    expect(blocked.body.text).toContain('"May sale"');
    expect(blocked.body.text).toContain('over_budget');
    for (const r of receiver.received) expect(r.signature).toBe(signed(r.raw));
    // The receiver answers before the service records the delivery: wait for the log, not the wire.
    await until('three deliveries in the audit log', async () => {
      const delivered = (await auditActions()).filter((action: string) => action === 'alert.delivered');
      return delivered.length >= 3 ? delivered : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await auditActions()).filter((action: string) => action === 'alert.delivered')).toHaveLength(3);
  });

  it('alerts again in the next month, once', async () => {
    clock.set('2027-06-02T00:00:00Z');
    await sync();
    await sync();
    await until('June’s 80% alert', () => (kinds().length >= 4 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(kinds().slice(3)).toEqual([
      expect.objectContaining({ kind: 'free_quota', threshold: 80, month: '2027-06' }),
    ]);
    const { rows } = await t.db.pool.query(
      `SELECT month, kind, threshold, status, attempts FROM alert_deliveries WHERE line_account_id = $1 ORDER BY created_at, kind`,
      [accountId],
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { month: '2027-05', kind: 'free_quota', threshold: 80, status: 'delivered', attempts: 2 },
        { month: '2027-06', kind: 'free_quota', threshold: 80, status: 'delivered', attempts: 1 },
      ]),
    );
    expect(rows).toHaveLength(4);
  });

  async function firstRunId(campaignId: string): Promise<string> {
    const runs = await t.http().get(`/api/v1/campaigns/${campaignId}/runs`).set(bearer(marketer.token)).expect(200);
    return runs.body.items[0].id;
  }
});
