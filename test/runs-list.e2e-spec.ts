import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import { approvedCampaign, sendingScenario, sendNow, SendingScenario, waitForRun } from './support/dispatch-fixture';

/** GET /runs: every campaign's runs in one request, by account, campaign and status, paged newest first. */
describe('runs across campaigns', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let a: SendingScenario;
  let b: SendingScenario;
  const runsOfA: string[] = [];
  let runOfB: string;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'runs-list-e2e' });
    t = await createTestApp({ DISPATCH_ENABLED: 'true', DISPATCH_POLL_MS: '50', LINE_TIMEOUT_MS: '2000' });
    a = await sendingScenario(t, sim, { followers: 1200 });
    b = await sendingScenario(t, sim, { followers: 30 });
    // Three campaigns of account A sent one after the other, one of account B.
    for (const name of ['First', 'Second', 'Third']) {
      const runId = await sendNow(t, a, await approvedCampaign(t, a, { name }));
      await waitForRun(t, a.marketer.token, runId, ['completed']);
      runsOfA.push(runId);
    }
    runOfB = await sendNow(t, b, await approvedCampaign(t, b));
    await waitForRun(t, b.marketer.token, runOfB, ['completed']);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const list = (token: string, query: string) => t.http().get(`/api/v1/runs?${query}`).set(bearer(token));

  it("lists one account's runs of every campaign, newest first, with accepted, failed, remaining and the rate", async () => {
    const page = (await list(a.marketer.token, `lineAccountId=${a.accountId}`).expect(200)).body;
    expect(page.items.map((r: { id: string }) => r.id)).toEqual([...runsOfA].reverse());
    expect(page.nextCursor).toBeNull();
    const [newest] = page.items;
    expect(newest).toMatchObject({
      lineAccountId: a.accountId,
      status: 'completed',
      progress: { recipients: 1200, delivered: 1200, failed: 0, remaining: 0 },
    });
    // The rate is the run's own: recipients answered over its start-to-finish time.
    const seconds = (Date.parse(newest.finishedAt) - Date.parse(newest.startedAt)) / 1000;
    expect(newest.progress.recipientsPerSecond).toBeCloseTo(1200 / seconds, 0);
    // The same run as GET /runs/:id answers it.
    const one = (await t.http().get(`/api/v1/runs/${newest.id}`).set(bearer(a.marketer.token)).expect(200)).body;
    expect(newest).toEqual(one);
  });

  it('pages with the cursor, without repeating or skipping a run, and filters by campaign and status', async () => {
    const first = (await list(a.marketer.token, `lineAccountId=${a.accountId}&limit=2`).expect(200)).body;
    expect(first.items).toHaveLength(2);
    const second = (
      await list(a.marketer.token, `lineAccountId=${a.accountId}&limit=2&cursor=${first.nextCursor}`).expect(200)
    ).body;
    expect([...first.items, ...second.items].map((r: { id: string }) => r.id)).toEqual([...runsOfA].reverse());
    expect(second.nextCursor).toBeNull();

    const all = (await list(t.adminToken, 'limit=500').expect(200)).body.items.map((r: { id: string }) => r.id);
    expect(all).toEqual(expect.arrayContaining([...runsOfA, runOfB]));
    const ofB = (await list(t.adminToken, `lineAccountId=${b.accountId}`).expect(200)).body.items;
    expect(ofB.map((r: { id: string }) => r.id)).toEqual([runOfB]);
    const run = (await t.http().get(`/api/v1/runs/${runsOfA[1]}`).set(bearer(t.adminToken))).body;
    const ofCampaign = (await list(t.adminToken, `campaignId=${run.campaignId}`).expect(200)).body.items;
    expect(ofCampaign.map((r: { id: string }) => r.id)).toEqual([runsOfA[1]]);
    expect(
      (await list(t.adminToken, `lineAccountId=${a.accountId}&status=completed`).expect(200)).body.items,
    ).toHaveLength(3);
    expect((await list(t.adminToken, `lineAccountId=${a.accountId}&status=blocked`).expect(200)).body.items).toEqual(
      [],
    );
  });

  it('names the field of a bad filter, and an unknown account is a 404', async () => {
    const bad = await list(t.adminToken, 'status=done').expect(400);
    expect(bad.body.details).toEqual([{ field: 'status', problem: expect.stringContaining('scheduled') }]);
    expect((await list(t.adminToken, 'lineAccountId=nope').expect(400)).body.details[0].field).toBe('lineAccountId');
    await list(t.adminToken, 'lineAccountId=00000000-0000-4000-8000-000000000000').expect(404);
    expect((await list(t.adminToken, 'cursor=abc').expect(400)).body.details[0].field).toBe('cursor');
  });
});
