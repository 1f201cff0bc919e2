import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';

/**
 * Issue 11: channel secrets and tokens reach no log line, whatever fails. The app logs at trace into
 * a capture; the database, the ORM and LINE are made to fail on calls that carry secrets, and the
 * capture is searched for each of them (close() searches for every token and credential too).
 */
describe('secrets never reach the log', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;
  const channelId = '1600001101';
  const token = `sim-token-${randomBytes(16).toString('hex')}`;
  const channelSecret = randomBytes(16).toString('hex');
  let accountId: string;
  let version: number;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'secrets-e2e' });
    await request(sim.url)
      .put(`/_sim/channels/${channelId}`)
      .send({ accessToken: token, channelSecret, quota: { type: 'none' }, consumption: 0, followerCount: 3 })
      .expect(201);
    t = await createTestApp({ LOG_LEVEL: 'trace', QUOTA_SYNC_INTERVAL_SECONDS: '0' });
    const account = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send({
        name: 'Secrets OA',
        channelId,
        channelAccessToken: token,
        channelSecret,
        plan: 'high',
        monthlyBudget: '1000',
        apiBaseUrl: sim.url,
      })
      .expect(201);
    accountId = account.body.id;
    version = account.body.version;
  });

  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  function newCredentials(label: string): { channelAccessToken: string; channelSecret: string } {
    const credentials = {
      channelAccessToken: `new-token-${randomBytes(16).toString('hex')}`,
      channelSecret: randomBytes(16).toString('hex'),
    };
    t.rememberSecret(`the channel access token of ${label}`, credentials.channelAccessToken);
    t.rememberSecret(`the channel secret of ${label}`, credentials.channelSecret);
    return credentials;
  }

  function expectNotLogged(...values: string[]): void {
    const text = t.logs.text();
    for (const value of values) expect(text.includes(value)).toBe(false);
  }

  it('a LINE account update PostgreSQL refuses (its error quotes the row): a 500 whose log line holds neither', async () => {
    // Any refusal by the database will do; a CHECK constraint's error detail quotes the whole new row.
    await t.db.pool.query(`ALTER TABLE line_accounts ADD CONSTRAINT secrets_e2e_trip CHECK (name <> 'Trip the check')`);
    try {
      const credentials = newCredentials('the refused update');
      const response = await t
        .http()
        .patch(`/api/v1/line-accounts/${accountId}`)
        .set(bearer(t.adminToken))
        .send({ version, name: 'Trip the check', ...credentials });
      expect(response.status).toBe(500);
      expect(JSON.stringify(response.body)).not.toContain(credentials.channelSecret);
      const line = t.logs.lines.find((text) => text.includes(response.body.errorId));
      expect(line).toBeDefined();
      // Logged by code: the SQLSTATE of a check violation, and where.
      expect(JSON.parse(line!)).toMatchObject({ err: { sqlState: '23514' } });
      expectNotLogged(credentials.channelAccessToken, credentials.channelSecret);
    } finally {
      await t.db.pool.query('ALTER TABLE line_accounts DROP CONSTRAINT secrets_e2e_trip');
    }
  });

  it('a LINE account update the ORM refuses (its error quotes the call): neither secret logged', async () => {
    const credentials = newCredentials('the update the ORM refuses');
    const response = await t
      .http()
      .patch(`/api/v1/line-accounts/${accountId}`)
      .set(bearer(t.adminToken))
      .send({ version, name: null, ...credentials });
    // Refused before or in the ORM: either way no 2xx, and no secret in the answer or the log.
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(response.body)).not.toContain(credentials.channelSecret);
    expectNotLogged(credentials.channelAccessToken, credentials.channelSecret);
  });

  it('LINE refusing the token (followers import, quota sync): the token is not logged', async () => {
    await request(sim.url)
      .put(`/_sim/channels/${channelId}`)
      .send({ accessToken: `rotated-${randomBytes(8).toString('hex')}`, channelSecret, quota: { type: 'none' } })
      .expect((response) => expect([200, 201]).toContain(response.status));
    const started = await t
      .http()
      .post(`/api/v1/line-accounts/${accountId}/followers-import`)
      .set(bearer(t.adminToken))
      .expect(202);
    // The import runs as a job: it fails with LINE's refusal, logged meanwhile.
    let imported = started;
    for (let polls = 0; imported.body.state === 'running' && polls < 200; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      imported = await t
        .http()
        .get(`/api/v1/line-accounts/${accountId}/followers-import/${started.body.id}`)
        .set(bearer(t.adminToken))
        .expect(200);
    }
    expect(imported.body.state).toBe('failed');
    const synced = await t.http().post(`/api/v1/line-accounts/${accountId}/quota-sync`).set(bearer(t.adminToken));
    expect(synced.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify([imported.body, synced.body])).not.toContain(token);
    expectNotLogged(token, channelSecret);
  });

  it('the capture really holds the app’s lines (so the searches above could find something)', () => {
    expect(t.logs.lines.length).toBeGreaterThan(5);
    expect(t.logs.text()).toContain('"level":50'); // the errors above
  });
});
