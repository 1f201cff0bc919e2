// The sending pipeline at scale: 1,000,000 recipients through the budget gate and the dispatch
// workers of the real service (its own process) to the LINE simulator (another process).
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  cpuSecondsOfChildren,
  http,
  mib,
  openBenchDatabase,
  startServiceProcess,
  startSimulatorProcess,
  table,
  waitFor,
} from './support';

const RECIPIENTS = Number(process.env.BENCH_DISPATCH_RECIPIENTS ?? 1_000_000);
const LINE_CEILING_PER_SECOND = 200 * 500; // LINE's multicast limit × 500 recipients a request
const CHANNEL_ID = '1999000001';

interface RunView {
  status: string;
  startedAt: string;
  finishedAt: string;
  progress: { delivered: number; batchesDone: number; batches: number };
}

export async function runDispatchBench(): Promise<void> {
  const database = await openBenchDatabase();
  const adminToken = `lcm_bench_${randomBytes(16).toString('hex')}`;
  const simPort = 45_000 + Math.floor(Math.random() * 1000);
  let sim: Awaited<ReturnType<typeof startSimulatorProcess>> | null = null;
  let service: Awaited<ReturnType<typeof startServiceProcess>> | null = null;
  const db = new Client({ connectionString: database.url });
  try {
    sim = await startSimulatorProcess(simPort, {
      channelId: CHANNEL_ID,
      quota: { type: 'none' },
      followerCount: RECIPIENTS,
    });
    const simUrl = sim.url;
    const accessToken = sim.accessToken;
    service = await startServiceProcess(simPort + 1000, {
      DATABASE_URL: database.url,
      ADMIN_TOKEN: adminToken,
      DISPATCH_WORKERS: process.env.BENCH_DISPATCH_WORKERS ?? '8',
    });
    const api = `${service.root}/api/v1`;

    const account = await http<{ id: string }>(api, adminToken, 'POST', '/line-accounts', {
      name: 'Bench OA',
      channelId: CHANNEL_ID,
      channelAccessToken: accessToken,
      channelSecret: 'bench',
      plan: 'high',
      monthlyBudget: '10000000',
      apiBaseUrl: simUrl,
    });
    await db.connect();
    const seed = performance.now();
    // The simulator's followers, as contacts: its ids are U + md5("<channel>:follower:<index>").
    await db.query(
      `INSERT INTO contacts (id, line_account_id, line_user_id, status, followed_at)
       SELECT gen_random_uuid(), $1::uuid, 'U' || md5($2 || ':follower:' || i), 'following', now() FROM generate_series(0, $3 - 1) AS i`,
      [account.id, CHANNEL_ID, RECIPIENTS],
    );
    // Settle the seeding before measuring: a real account's contacts were written and vacuumed long
    // before a send, and autovacuum merging a million fresh GIN entries would otherwise run during it,
    await db.query('VACUUM ANALYZE contacts');
    await db.query('CHECKPOINT').catch(() => undefined); // nor a checkpoint of the seeding's writes (needs a superuser)
    console.log(
      `seeded ${RECIPIENTS.toLocaleString('en')} contacts in ${((performance.now() - seed) / 1000).toFixed(1)} s`,
    );

    const marketer = await http<{ token: string }>(api, adminToken, 'POST', '/users', {
      email: 'bench-m@example.com',
      name: 'M',
      role: 'marketer',
    });
    const approver = await http<{ token: string }>(api, adminToken, 'POST', '/users', {
      email: 'bench-a@example.com',
      name: 'A',
      role: 'approver',
    });
    const audience = await http<{ id: string }>(api, marketer.token, 'POST', '/audiences', {
      lineAccountId: account.id,
      name: 'All',
      definition: { not: { tag: 'excluded' } },
    });

    /** CPU seconds spent so far by the service, the simulator and (when embedded) PostgreSQL. */
    const cpu = () => {
      const byChild = cpuSecondsOfChildren();
      const of = (pid?: number) => (pid ? (byChild.get(pid) ?? 0) : 0);
      const database = [...byChild]
        .filter(([pid]) => pid !== service!.proc.child.pid && pid !== sim!.proc.child.pid)
        .reduce((sum, [, seconds]) => sum + seconds, 0);
      return { service: of(service!.proc.child.pid), simulator: of(sim!.proc.child.pid), database };
    };
    const sendOnce = async (
      label: string,
      maxRecipients: number | null = null,
    ): Promise<{ run: RunView; snapshotMs: number; seconds: number; cpu: ReturnType<typeof cpu> }> => {
      const cpuBefore = cpu();
      const campaign = await http<{ id: string }>(api, marketer.token, 'POST', '/campaigns', {
        lineAccountId: account.id,
        audienceId: audience.id,
        name: label,
        messages: [{ type: 'text', text: 'Bench' }],
        schedule: null,
        overBudgetPolicy: 'block',
        maxRecipients,
      });
      await http(api, marketer.token, 'POST', `/campaigns/${campaign.id}/submit`, {});
      await http(api, approver.token, 'POST', `/campaigns/${campaign.id}/approve`, {});
      const { id: runId } = await http<{ id: string }>(
        api,
        approver.token,
        'POST',
        `/campaigns/${campaign.id}/send-now`,
        {},
      );
      let last = -1;
      const run = await waitFor(
        `run ${label}`,
        async () => {
          const current = await http<RunView>(api, adminToken, 'GET', `/runs/${runId}`);
          if (current.progress.batchesDone !== last) {
            last = current.progress.batchesDone;
            process.stdout.write(
              `  ${label}: ${current.status} ${current.progress.batchesDone}/${current.progress.batches} batches\n`,
            );
          }
          return ['completed', 'partial', 'failed', 'blocked'].includes(current.status) ? current : null;
        },
        30 * 60_000,
        500, // the figures come from the run's own timestamps; polling is only for the progress lines
      );
      if (run.status !== 'completed') throw new Error(`run ${label} ended ${run.status}: ${JSON.stringify(run)}`);
      const audit = await db.query<{ ms: string }>(
        `SELECT after->>'snapshotMs' AS ms FROM audit_events WHERE action = 'run.started' AND after->>'runId' = $1`,
        [runId],
      );
      const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
      // Where the send phase's time went besides sending: up to the first accepted batch, and after the last.
      const edges = await db.query<{ first_ms: number; last_ms: number; rate_limited: number }>(
        `SELECT extract(epoch FROM min(b.finished_at) - r.started_at) * 1000 AS first_ms,
                extract(epoch FROM r.finished_at - max(b.finished_at)) * 1000 AS last_ms,
                count(*) FILTER (WHERE b.error->>'kind' = 'rate_limited')::int AS rate_limited
           FROM run_batches b JOIN campaign_runs r ON r.id = b.run_id WHERE r.id = $1 GROUP BY r.id`,
        [runId],
      );
      const { first_ms: firstMs, last_ms: lastMs, rate_limited: rateLimited } = edges.rows[0];
      console.log(
        `  ${label}: first batch accepted ${Math.round(firstMs)} ms after the start, run finished ${Math.round(lastMs)} ms after the last; ${rateLimited} batches met a 429`,
      );
      const cpuAfter = cpu();
      const spent = {
        service: cpuAfter.service - cpuBefore.service,
        simulator: cpuAfter.simulator - cpuBefore.simulator,
        database: cpuAfter.database - cpuBefore.database,
      };
      return { run, snapshotMs: Number(audit.rows[0].ms), seconds, cpu: spent };
    };

    // The same rows through a plain INSERT … SELECT, for the gate's snapshot to be compared with.
    await db.query(
      'CREATE TABLE IF NOT EXISTS bench_plain_copy (run_id uuid, ordinal int, batch_no int, line_user_id text)',
    );
    const plainStart = performance.now();
    await db.query(
      `INSERT INTO bench_plain_copy SELECT $2::uuid, 0, 0, line_user_id FROM contacts WHERE line_account_id = $1 AND status = 'following'`,
      [account.id, randomUUID()],
    );
    const plainMs = performance.now() - plainStart;

    // A long-running service has its sending path compiled and its connections open: warm it up first.
    await sendOnce('warm-up', Math.min(20_000, RECIPIENTS));
    const limited = await sendOnce('with LINE rate limit');
    await http(simUrl, null, 'PUT', '/_sim/rate-limits', { multicast: null });
    const unlimited = await sendOnce('without rate limit');
    const limitedRate = RECIPIENTS / limited.seconds;
    const peak = service.proc.peakRss();
    const perLakh = (seconds: number) => ((seconds * 100_000) / RECIPIENTS).toFixed(2);

    console.log(
      table(
        ['measure', 'value', 'target'],
        [
          ['recipients per run', RECIPIENTS.toLocaleString('en'), ''],
          ['send phase, LINE limit 200 req/s (recipients/s)', Math.round(limitedRate).toLocaleString('en'), '≥ 90,000'],
          [
            '  share of the 100,000/s ceiling',
            `${((limitedRate / LINE_CEILING_PER_SECOND) * 100).toFixed(1)}%`,
            '≥ 90%',
          ],
          ['send phase, no limit (recipients/s)', Math.round(RECIPIENTS / unlimited.seconds).toLocaleString('en'), ''],
          ['gate snapshot (ms, limited run)', limited.snapshotMs, ''],
          ['plain INSERT … SELECT of the same rows (ms)', Math.round(plainMs), ''],
          ['  snapshot / plain', (limited.snapshotMs / plainMs).toFixed(2), '≤ 2'],
          ['service peak RSS', mib(peak), '< 300 MiB'],
          ['CPU s per 100,000 recipients (limited run): service', perLakh(limited.cpu.service), ''],
          ['  simulator', perLakh(limited.cpu.simulator), ''],
          [
            '  PostgreSQL (embedded only)',
            database.description.startsWith('embedded') ? perLakh(limited.cpu.database) : 'n/a',
            '',
          ],
        ],
      ),
    );
    console.log(`database: ${database.description}; service workers: ${process.env.BENCH_DISPATCH_WORKERS ?? '8'}`);
  } catch (error) {
    if (service) console.error(`service output:\n${service.proc.output()}`);
    console.error(`simulator output:\n${sim?.proc.output()}`);
    throw error;
  } finally {
    await db.end().catch(() => undefined);
    await service?.proc.stop();
    await sim?.proc.stop();
    await database.close();
  }
}
