import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import { waitForFollowersImport } from './support/followers';

/** Issue 11, point 6: a followers import is a background job that always ends, one per account, at LINE's pace. */
describe('followers import jobs', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let channels = 0;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'followers-import-e2e' });
    t = await createTestApp({
      FOLLOWERS_IMPORT_POLL_MS: '50',
      FOLLOWERS_IMPORT_PAGES_PER_SECOND: '4',
      FOLLOWERS_IMPORT_MAX_PAGES: '8',
      FOLLOWERS_IMPORT_WORKERS: '2',
      DISPATCH_RETRY_BASE_MS: '20',
      DISPATCH_RETRY_MAX_MS: '200',
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  /** A simulator channel with `followers` followers (and `channel` settings) and an account on it. */
  async function account(followers: number, channel: Record<string, unknown> = {}, token?: string) {
    const channelId = String(1_900_000_000 + process.pid * 10 + ++channels);
    const accessToken = `sim-${randomUUID()}`;
    await request(sim.url)
      .put(`/_sim/channels/${channelId}`)
      .send({ accessToken, followerCount: followers, ...channel })
      .expect(201);
    const created = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send({
        name: `OA ${channelId}`,
        channelId,
        channelAccessToken: token ?? accessToken,
        channelSecret: 'secret',
        plan: 'high',
        monthlyBudget: '100',
        apiBaseUrl: sim.url,
      })
      .expect(201);
    return { channelId, accountId: created.body.id as string };
  }
  const start = (accountId: string, token = t.adminToken) =>
    t.http().post(`/api/v1/line-accounts/${accountId}/followers-import`).set(bearer(token));
  const followersRequests = async (channelId: string) =>
    (
      (await request(sim.url).get(`/_sim/channels/${channelId}/requests`).expect(200)).body.requests as {
        endpoint: string;
        status: number;
        at: string;
      }[]
    ).filter((entry) => entry.endpoint === 'followers');
  const following = async (accountId: string) =>
    (
      await t.db.pool.query(
        `SELECT count(*)::int AS n FROM contacts WHERE line_account_id = $1 AND status = 'following'`,
        [accountId],
      )
    ).rows[0].n as number;

  it('stops with a clear error when LINE repeats its cursor', async () => {
    const { channelId, accountId } = await account(3000, { faults: { repeatFollowersCursor: true } });
    const job = await waitForFollowersImport(t, accountId, (await start(accountId).expect(202)).body.id);
    expect(job).toMatchObject({ state: 'failed', pages: 2, idsSeen: 2000 });
    expect(job.error).toMatch(/LINE repeated a continuation token after page 2/);
    expect(await followersRequests(channelId)).toHaveLength(2); // it stopped asking
  });

  it('stops with a clear error past the page limit', async () => {
    const { accountId } = await account(9000);
    const job = await waitForFollowersImport(t, accountId, (await start(accountId).expect(202)).body.id);
    expect(job).toMatchObject({ state: 'failed', pages: 8, idsSeen: 8000, created: 8000 });
    expect(job.error).toMatch(/went on past 8 pages \(FOLLOWERS_IMPORT_MAX_PAGES\)/);
  });

  it('fails the job with what LINE said when LINE refuses the token', async () => {
    const { accountId } = await account(10, {}, 'not-the-channel-token');
    const job = await waitForFollowersImport(t, accountId, (await start(accountId).expect(202)).body.id);
    expect(job).toMatchObject({ state: 'failed', pages: 0, idsSeen: 0 });
    expect(job.error).toMatch(/could not be read at page 1: unauthorized \(401\)/);
    expect(job.error).not.toContain('not-the-channel-token');
  });

  it('runs one job per account: concurrent requests all get the running one', async () => {
    // Slow pages keep the job running while the requests arrive.
    const { accountId } = await account(3000, { faults: { latencyMs: 1500, endpoints: ['followers'] } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => start(accountId)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(202));
    const ids = new Set(answers.map((answer) => answer.body.id as string));
    expect(ids.size).toBe(1);
    const [jobId] = ids;
    const { rows } = await t.db.pool.query(
      'SELECT count(*)::int AS n FROM followers_import_jobs WHERE line_account_id = $1',
      [accountId],
    );
    expect(rows[0].n).toBe(1);
    const job = await waitForFollowersImport(t, accountId, jobId);
    expect(job).toMatchObject({ state: 'completed', pages: 3, idsSeen: 3000, created: 3000 });
    expect(await following(accountId)).toBe(3000);
    // Once it ended, the next request starts a new job.
    expect((await start(accountId).expect(202)).body.id).not.toBe(jobId);
  });

  it('keeps to its pace: no 429 from a LINE that allows 5 requests a second, for 7 pages', async () => {
    const { channelId, accountId } = await account(7000, { rateLimits: { other: { limit: 5, windowMs: 1000 } } });
    const job = await waitForFollowersImport(t, accountId, (await start(accountId).expect(202)).body.id);
    expect(job).toMatchObject({ state: 'completed', pages: 7, idsSeen: 7000 });
    const requests = await followersRequests(channelId);
    expect(requests.map((entry) => entry.status)).toEqual(Array(7).fill(200));
    // 4 pages a second: the 7th at least 1.5 s after the 1st.
    expect(Date.parse(requests[6].at) - Date.parse(requests[0].at)).toBeGreaterThanOrEqual(1450);
  });

  it("waits out LINE's rate limit and goes on", async () => {
    const { channelId, accountId } = await account(3000, { rateLimits: { other: { limit: 1, windowMs: 1500 } } });
    const job = await waitForFollowersImport(t, accountId, (await start(accountId).expect(202)).body.id);
    expect(job).toMatchObject({ state: 'completed', pages: 3, idsSeen: 3000, created: 3000, error: null });
    const statuses = (await followersRequests(channelId)).map((entry) => entry.status);
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
  });

  it('lets marketers and admins start imports, and everyone read them', async () => {
    const { accountId } = await account(10);
    const approver = await t.createUser('approver');
    const marketer = await t.createUser('marketer');
    await start(accountId, approver.token).expect(403);
    const jobId = (await start(accountId, marketer.token).expect(202)).body.id;
    const job = await waitForFollowersImport(t, accountId, jobId);
    expect(job).toMatchObject({ state: 'completed', requestedById: marketer.id });
    await t
      .http()
      .get(`/api/v1/line-accounts/${accountId}/followers-import/${jobId}`)
      .set(bearer(approver.token))
      .expect(200);
    await t
      .http()
      .get(`/api/v1/line-accounts/${accountId}/followers-import/${randomUUID()}`)
      .set(bearer(approver.token))
      .expect(404);
    const other = await account(10);
    await t
      .http()
      .get(`/api/v1/line-accounts/${other.accountId}/followers-import/${jobId}`)
      .set(bearer(t.adminToken))
      .expect(404); // another account's job
    await t
      .http()
      .get(`/api/v1/line-accounts/${other.accountId}/followers-import`)
      .set(bearer(t.adminToken))
      .expect(404);
  });
});
