import { bearer, TestApp } from './app';

export interface FollowersImportJobView {
  id: string;
  state: 'running' | 'completed' | 'failed';
  pages: number;
  idsSeen: number;
  created: number;
  updated: number;
  unchanged: number;
  error: string | null;
}

/** Polls a followers import job until it has ended (or `until` holds), and returns it. */
export async function waitForFollowersImport(
  t: TestApp,
  accountId: string,
  jobId: string,
  options: { until?: (job: FollowersImportJobView) => boolean; timeoutMs?: number } = {},
): Promise<FollowersImportJobView> {
  const until = options.until ?? ((job) => job.state !== 'running');
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const job = (
      await t
        .http()
        .get(`/api/v1/line-accounts/${accountId}/followers-import/${jobId}`)
        .set(bearer(t.adminToken))
        .expect(200)
    ).body as FollowersImportJobView;
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`followers import ${jobId} still ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a followers import through the API (202) and waits for it to complete. */
export async function importFollowers(t: TestApp, accountId: string): Promise<FollowersImportJobView> {
  const started = await t
    .http()
    .post(`/api/v1/line-accounts/${accountId}/followers-import`)
    .set(bearer(t.adminToken))
    .expect(202);
  const job = await waitForFollowersImport(t, accountId, started.body.id);
  if (job.state !== 'completed') throw new Error(`followers import ended ${JSON.stringify(job)}`);
  return job;
}
