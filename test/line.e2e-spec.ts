import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { isRetryableOutcome } from '@lcm/line-client';
import { LineSimulatorHandle, signWebhookBody, startLineSimulator } from '@lcm/line-simulator';
import { LineAccountsService } from '../apps/api/src/line-accounts/line-accounts.service';
import { LineGateway } from '../apps/api/src/line/line-gateway';
import { bearer, createTestApp, TestApp } from './support/app';
import { importFollowers, waitForFollowersImport } from './support/followers';

/** Issue 4's end-to-end story: followers in, webhooks, quota sync and an idempotent multicast, against the simulator over HTTP. */
describe('LINE: followers import, webhook, quota sync and retried multicast against the simulator', () => {
  const channelId = '1600000001';
  const channelSecret = 'simulated-channel-secret';
  const accessToken = `sim-token-${randomUUID()}`;
  const FOLLOWERS = 100_000;
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let apiUrl: string;
  let accountId: string;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'line-e2e' });
    t = await createTestApp({ LOG_LEVEL: process.env.DEBUG_LOGS ? 'error' : 'silent' });
    await t.app.listen(0, '127.0.0.1');
    apiUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    const created = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send({
        name: 'Sim OA',
        channelId,
        channelAccessToken: accessToken,
        channelSecret,
        plan: 'high',
        monthlyBudget: '1000',
        apiBaseUrl: sim.url,
      })
      .expect(201);
    accountId = created.body.id;
    await request(sim.url)
      .put(`/_sim/channels/${channelId}`)
      .send({
        accessToken,
        channelSecret,
        quota: { type: 'limited', value: 250_000 },
        consumption: 1234,
        followerCount: FOLLOWERS,
        webhookUrl: `${apiUrl}/api/v1/webhooks/line/${accountId}`,
      })
      .expect(201);
  });
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  const contactStatus = async (lineUserId: string) =>
    (
      await t.db.pool.query('SELECT status FROM contacts WHERE line_account_id = $1 AND line_user_id = $2', [
        accountId,
        lineUserId,
      ])
    ).rows[0]?.status ?? null;

  it(`imports ${FOLLOWERS.toLocaleString('en')} followers as following contacts in a background job, idempotently`, async () => {
    const started = await t
      .http()
      .post(`/api/v1/line-accounts/${accountId}/followers-import`)
      .set(bearer(t.adminToken))
      .expect(202);
    expect(started.body).toMatchObject({ lineAccountId: accountId, state: 'running', trigger: 'manual' });
    const first = await waitForFollowersImport(t, accountId, started.body.id);
    expect(first).toMatchObject({
      state: 'completed',
      idsSeen: FOLLOWERS,
      created: FOLLOWERS,
      updated: 0,
      unchanged: 0,
      pages: FOLLOWERS / 1000,
      error: null,
    });
    const again = await importFollowers(t, accountId);
    expect(again.id).not.toBe(first.id);
    expect(again).toMatchObject({ idsSeen: FOLLOWERS, created: 0, updated: 0, unchanged: FOLLOWERS });
    const latest = await t
      .http()
      .get(`/api/v1/line-accounts/${accountId}/followers-import`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(latest.body.id).toBe(again.id);
    const { rows } = await t.db.pool.query(
      `SELECT count(*)::int AS n FROM contacts WHERE line_account_id = $1 AND status = 'following'`,
      [accountId],
    );
    expect(rows[0].n).toBe(FOLLOWERS);
  });

  it('applies signed follow and unfollow events from LINE, once each', async () => {
    const newcomer = `U${'a'.repeat(32)}`;
    const leaver = (
      await t.db.pool.query(
        'SELECT line_user_id FROM contacts WHERE line_account_id = $1 ORDER BY line_user_id LIMIT 1',
        [accountId],
      )
    ).rows[0].line_user_id;
    const sent = await request(sim.url)
      .post(`/_sim/channels/${channelId}/webhook-events`)
      .send({
        events: [
          { type: 'follow', userId: newcomer },
          { type: 'unfollow', userId: leaver },
        ],
      })
      .expect(200);
    expect(sent.body).toMatchObject({ sent: true, status: 200 });
    expect(JSON.parse(sent.body.responseBody)).toEqual({ received: 2, applied: 2, duplicates: 0 });
    expect(await contactStatus(newcomer)).toBe('following');
    expect(await contactStatus(leaver)).toBe('blocked');

    // The same event delivered again (LINE redelivers) changes nothing, even after the user unblocked.
    const redelivered = JSON.stringify({
      destination: 'U0',
      events: [
        {
          type: 'unfollow',
          mode: 'active',
          timestamp: Date.now(),
          webhookEventId: 'redelivered-01',
          deliveryContext: { isRedelivery: true },
          source: { type: 'user', userId: newcomer },
        },
      ],
    });
    const post = () =>
      request(apiUrl)
        .post(`/api/v1/webhooks/line/${accountId}`)
        .set('Content-Type', 'application/json')
        .set('x-line-signature', signWebhookBody(redelivered, channelSecret))
        .send(redelivered);
    expect((await post().expect(200)).body).toEqual({ received: 1, applied: 1, duplicates: 0 });
    await request(sim.url)
      .post(`/_sim/channels/${channelId}/webhook-events`)
      .send({ events: [{ type: 'follow', userId: newcomer, isUnblocked: true }] })
      .expect(200);
    expect(await contactStatus(newcomer)).toBe('following');
    expect((await post().expect(200)).body).toEqual({ received: 1, applied: 0, duplicates: 1 });
    expect(await contactStatus(newcomer)).toBe('following');
  });

  it('refuses a webhook whose signature does not match, and writes nothing', async () => {
    const stranger = `U${'b'.repeat(32)}`;
    const body = JSON.stringify({
      destination: 'U0',
      events: [
        {
          type: 'follow',
          mode: 'active',
          timestamp: Date.now(),
          webhookEventId: 'forged-01',
          source: { type: 'user', userId: stranger },
        },
      ],
    });
    const forged = await request(apiUrl)
      .post(`/api/v1/webhooks/line/${accountId}`)
      .set('Content-Type', 'application/json')
      .set('x-line-signature', signWebhookBody(body, 'not-the-secret'))
      .send(body)
      .expect(401);
    expect(forged.body).toMatchObject({ statusCode: 401, details: [] });
    await request(apiUrl)
      .post(`/api/v1/webhooks/line/${accountId}`)
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(401);
    expect(await contactStatus(stranger)).toBeNull();
  });

  it('syncs quota and consumption into the month ledger', async () => {
    const synced = await t
      .http()
      .post(`/api/v1/line-accounts/${accountId}/quota-sync`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(synced.body).toMatchObject({
      quota: { type: 'limited', value: 250_000 },
      consumption: { totalUsage: 1234 },
    });
    const usage = await t.http().get(`/api/v1/line-accounts/${accountId}/usage`).set(bearer(t.adminToken)).expect(200);
    expect(usage.body).toMatchObject({
      used: 1234,
      freeQuota: 6000,
      line: { consumption: 1234, fresh: true, quota: { type: 'limited', value: 250_000 } },
    });
  });

  it('keeps the last reading and says why when LINE cannot be reached', async () => {
    await request(sim.url)
      .put(`/_sim/channels/${channelId}/faults`)
      .send({ serverErrorRate: 1, endpoints: ['quota', 'consumption'] })
      .expect(200);
    try {
      const failed = await t
        .http()
        .post(`/api/v1/line-accounts/${accountId}/quota-sync`)
        .set(bearer(t.adminToken))
        .expect(502);
      expect(failed.body.message).toMatch(/LINE could not be read/);
      const usage = await t
        .http()
        .get(`/api/v1/line-accounts/${accountId}/usage`)
        .set(bearer(t.adminToken))
        .expect(200);
      expect(usage.body.line).toMatchObject({ consumption: 1234, lastError: expect.stringMatching(/server/i) });
    } finally {
      await request(sim.url).delete(`/_sim/channels/${channelId}/faults`).expect(200);
    }
  });

  it('multicasts exactly once per recipient through lost responses, and LINE counts exactly the delivered', async () => {
    const account = await t.app.get(LineAccountsService).mustFind(accountId);
    const client = t.app.get(LineGateway).clientFor(account);
    await request(sim.url)
      .put(`/_sim/channels/${channelId}/faults`)
      .send({ lostResponseRate: 0.6, serverErrorRate: 0.2, endpoints: ['multicast'] })
      .expect(200);
    const blocked = `U${'c'.repeat(32)}`;
    await request(sim.url)
      .post(`/_sim/channels/${channelId}/blocked`)
      .send({ userIds: [blocked] })
      .expect(200);
    const before = (await request(sim.url).get(`/_sim/channels/${channelId}/consumption`).expect(200)).body.totalUsage;
    const followers = (
      await t.db.pool.query(
        `SELECT line_user_id FROM contacts WHERE line_account_id = $1 AND status = 'following' ORDER BY line_user_id LIMIT 499`,
        [accountId],
      )
    ).rows.map((r) => r.line_user_id as string);
    const retryKey = randomUUID();
    let attempts = 0;
    let outcome;
    do {
      attempts++;
      outcome = await client.multicast({
        to: [...followers, blocked],
        messages: [{ type: 'text', text: 'Autumn sale' }],
        retryKey,
      });
    } while (isRetryableOutcome(outcome) && attempts < 50);
    expect(['accepted', 'duplicate_accepted']).toContain(outcome.kind);
    expect(attempts).toBeGreaterThan(1); // the faults really were met

    const deliveries = (await request(sim.url).get(`/_sim/channels/${channelId}/deliveries`).expect(200)).body;
    expect(deliveries).toMatchObject({
      totalDeliveries: followers.length,
      distinctRecipients: followers.length,
      repeatedRecipients: [],
    });
    const after = (await request(sim.url).get(`/_sim/channels/${channelId}/consumption`).expect(200)).body.totalUsage;
    expect(after - before).toBe(followers.length);
    await request(sim.url).delete(`/_sim/channels/${channelId}/faults`).expect(200);
  });
});
