import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import { waitForFollowersImport } from './support/followers';
import { startServiceProcess } from './support/service-process';

/**
 * The service running a followers import is killed with SIGKILL mid-job and started again: the new
 * process takes the job over when its lease runs out and goes on from the last page recorded, and
 * every follower is imported once. The test's own app runs no imports; it starts and reads the job.
 */
describe('a followers import survives SIGKILL', () => {
  const FOLLOWERS = 30_000;
  let t: TestApp;
  let sim: LineSimulatorHandle;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'followers-crash-e2e' });
    t = await createTestApp({ FOLLOWERS_IMPORT_WORKERS: '0' });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('resumes from its last page after the kill and imports every follower once', async () => {
    const channelId = String(1_950_000_000 + (process.pid % 1_000_000));
    const accessToken = `sim-${randomUUID()}`;
    // Slow pages, so the kill lands mid-job.
    await request(sim.url)
      .put(`/_sim/channels/${channelId}`)
      .send({ accessToken, followerCount: FOLLOWERS, faults: { latencyMs: 100, endpoints: ['followers'] } })
      .expect(201);
    const accountId = (
      await t
        .http()
        .post('/api/v1/line-accounts')
        .set(bearer(t.adminToken))
        .send({
          name: 'Crash OA',
          channelId,
          channelAccessToken: accessToken,
          channelSecret: 'secret',
          plan: 'high',
          monthlyBudget: '100',
          apiBaseUrl: sim.url,
        })
        .expect(201)
    ).body.id as string;
    const jobId = (
      await t.http().post(`/api/v1/line-accounts/${accountId}/followers-import`).set(bearer(t.adminToken)).expect(202)
    ).body.id as string;

    const env = {
      DATABASE_URL: t.db.url,
      DISPATCH_ENABLED: 'false',
      FOLLOWERS_IMPORT_POLL_MS: '50',
      FOLLOWERS_IMPORT_LEASE_SECONDS: '2',
    };
    const first = startServiceProcess(env);
    await waitForFollowersImport(t, accountId, jobId, { until: (job) => job.pages >= 5 || job.state !== 'running' });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const atKill = await waitForFollowersImport(t, accountId, jobId, { until: () => true });
    expect(atKill.state).toBe('running');
    expect(atKill.pages).toBeGreaterThanOrEqual(5);
    expect(atKill.pages).toBeLessThan(25);

    const second = startServiceProcess(env);
    try {
      const job = await waitForFollowersImport(t, accountId, jobId, { timeoutMs: 60_000 });
      expect(job).toMatchObject({
        state: 'completed',
        pages: FOLLOWERS / 1000,
        idsSeen: FOLLOWERS,
        created: FOLLOWERS,
        updated: 0,
        unchanged: 0,
        error: null,
      });
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    const { rows } = await t.db.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT line_user_id)::int AS distinct_ids FROM contacts
        WHERE line_account_id = $1 AND status = 'following'`,
      [accountId],
    );
    expect(rows[0]).toEqual({ n: FOLLOWERS, distinct_ids: FOLLOWERS });
    // Resumed, not restarted: LINE was asked for each page once, plus at most the one in flight at the kill.
    const { requests } = (await request(sim.url).get(`/_sim/channels/${channelId}/requests`).expect(200)).body;
    const pagesAsked = (requests as { endpoint: string }[]).filter((entry) => entry.endpoint === 'followers').length;
    expect(pagesAsked).toBeGreaterThanOrEqual(FOLLOWERS / 1000);
    expect(pagesAsked).toBeLessThanOrEqual(FOLLOWERS / 1000 + 1);
  });
});
