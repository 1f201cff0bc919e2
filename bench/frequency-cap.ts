// The budget gate's snapshot under a frequency cap, against a plain INSERT … SELECT of the same
// rows, in the same run: 1,000,000 contacts (`--contacts=N` or BENCH_CAP_CONTACTS for a quick run),
// a cap of 2 sends in 7 days and a week of history (a send to everyone, another to every 10th);
// `--rounds=N` (default 5) interleaved rounds, medians.
import { randomUUID } from 'node:crypto';
import { deliveryBucketSql } from '../apps/api/src/frequency-caps/delivery-history.repository';
import {
  benchOption,
  http,
  median,
  openProcessBench,
  seedFollowerContacts,
  sendingUsers,
  startServiceProcess,
  startSimulatorProcess,
  table,
  waitFor,
} from './support';

const CHANNEL_ID = '1999000002';

/** The bound: the capped snapshot within 2.5× the plain copy. */
const TARGET_RATIO = 2.5;

interface Gated {
  snapshotMs: number;
  historyMs: number;
  recipients: number;
  frequencyCapped: number;
}

export async function runFrequencyCapBench(): Promise<void> {
  const contacts = Number(benchOption('contacts') ?? process.env.BENCH_CAP_CONTACTS ?? 1_000_000);
  const rounds = Number(benchOption('rounds') ?? 5);
  const bench = await openProcessBench(46_000);
  const { database, adminToken, simPort, db } = bench;
  try {
    const sim = (bench.sim = await startSimulatorProcess(simPort, {
      channelId: CHANNEL_ID,
      quota: { type: 'none' },
      followerCount: contacts,
    }));
    // Only the gate is measured: one worker at one request a second sends a batch or two before the
    // run is cancelled (its unsent batches are released and give their contacts the send back).
    const service = (bench.service = await startServiceProcess(simPort + 1000, {
      DATABASE_URL: database.url,
      ADMIN_TOKEN: adminToken,
      DISPATCH_WORKERS: '1',
      DISPATCH_REQUESTS_PER_SECOND: '1',
    }));
    const api = `${service.root}/api/v1`;
    const account = await http<{ id: string; version: number }>(api, adminToken, 'POST', '/line-accounts', {
      name: 'Bench OA (frequency cap)',
      channelId: CHANNEL_ID,
      channelAccessToken: sim.accessToken,
      channelSecret: 'bench',
      plan: 'high',
      monthlyBudget: '10000000',
      apiBaseUrl: sim.url,
    });
    await http(api, adminToken, 'PATCH', `/line-accounts/${account.id}`, {
      version: account.version,
      frequencyCap: { messages: 2, days: 7 },
    });
    await db.connect();
    const seeding = performance.now();
    await seedFollowerContacts(db, account.id, CHANNEL_ID, contacts);
    // The week's history, as the gate writes it (one row per run and bucket of its recipients): a
    // send to everyone 3 days ago and one to every 10th yesterday. Under the cap of 2 the every-10th
    // are at their cap; everyone else has one send left.
    const seededRuns: string[] = [];
    const history = async (every: number, daysAgo: number) => {
      seededRuns.push(randomUUID());
      await db.query(
        `INSERT INTO delivery_history (run_id, bucket, line_account_id, reserved_at, line_user_ids)
         SELECT $1::uuid, ${deliveryBucketSql('u.id')}, $2::uuid, now() - make_interval(days => $5), array_agg(u.id)
           FROM (SELECT 'U' || md5($3 || ':follower:' || i) AS id FROM generate_series(0, $4 - 1, $6) AS i) u GROUP BY 2`,
        [seededRuns.at(-1), account.id, CHANNEL_ID, contacts, daysAgo, every],
      );
    };
    await history(1, 3);
    await history(10, 1);
    await db.query('VACUUM ANALYZE contacts');
    await db.query('VACUUM ANALYZE delivery_history');
    await db.query('CHECKPOINT').catch(() => undefined);
    const deliveries = await db.query<{ n: number }>(
      'SELECT coalesce(sum(cardinality(line_user_ids)), 0)::int AS n FROM delivery_history',
    );
    console.log(
      `seeded ${contacts.toLocaleString('en')} contacts and ${deliveries.rows[0].n.toLocaleString('en')} deliveries in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );

    const { marketer, approver, audience } = await sendingUsers(api, adminToken, account.id, 'bench-cap');

    /** One campaign through submit, approve and send-now; the gate's own figures; then cancelled. */
    const gate = async (label: string, frequencyCap: 'none' | null): Promise<Gated> => {
      const campaign = await http<{ id: string }>(api, marketer.token, 'POST', '/campaigns', {
        lineAccountId: account.id,
        audienceId: audience.id,
        name: label,
        messages: [{ type: 'text', text: 'Bench' }],
        schedule: null,
        frequencyCap,
      });
      await http(api, marketer.token, 'POST', `/campaigns/${campaign.id}/submit`, {});
      await http(api, approver.token, 'POST', `/campaigns/${campaign.id}/approve`, {});
      const run = await http<{ id: string; status: string }>(
        api,
        approver.token,
        'POST',
        `/campaigns/${campaign.id}/send-now`,
        {},
      );
      if (run.status !== 'sending') throw new Error(`run ${label} did not pass the gate: ${JSON.stringify(run)}`);
      await http(api, approver.token, 'POST', `/campaigns/${campaign.id}/cancel`, {});
      await waitFor(
        `run ${label} to stop`,
        async () => (await http<{ status: string }>(api, adminToken, 'GET', `/runs/${run.id}`)).status !== 'sending',
        120_000,
        200,
      );
      const audit = await db.query<{ after: Gated & { frequencyCap: { excluded: number } | null } }>(
        `SELECT after FROM audit_events WHERE action = 'run.started' AND after->>'runId' = $1`,
        [run.id],
      );
      const { after } = audit.rows[0];
      // The batch or two it sent are history too: taken out, so every round meets the same week.
      await db.query('DELETE FROM delivery_history WHERE run_id <> ALL ($1::uuid[])', [seededRuns]);
      return {
        snapshotMs: after.snapshotMs,
        historyMs: after.historyMs,
        recipients: after.recipients,
        frequencyCapped: after.frequencyCap?.excluded ?? 0,
      };
    };

    // The same rows through a plain INSERT … SELECT: the account's following contacts, which the
    // snapshot reads, into a table without indexes.
    await db.query('CREATE TABLE bench_plain_copy (run_id uuid, ordinal int, batch_no int, line_user_id text)');
    const plain = async (): Promise<number> => {
      const started = performance.now();
      await db.query(
        `INSERT INTO bench_plain_copy SELECT $2::uuid, 0, 0, line_user_id FROM contacts WHERE line_account_id = $1 AND status = 'following'`,
        [account.id, randomUUID()],
      );
      const ms = performance.now() - started;
      await db.query('TRUNCATE bench_plain_copy');
      return ms;
    };

    await gate('warm-up', null); // compiled paths, open connections, warm caches, as in a service that has run
    const results: { plain: number; capped: Gated; uncapped: Gated }[] = [];
    for (let round = 0; round < rounds; round++) {
      // Interleaved, so a busier moment of the machine falls on all three alike.
      const plainMs = await plain();
      const capped = await gate(`capped ${round + 1}`, null);
      const uncapped = await gate(`uncapped ${round + 1}`, 'none');
      results.push({ plain: plainMs, capped, uncapped });
      console.log(
        `  round ${round + 1}: plain ${Math.round(plainMs)} ms, capped snapshot ${capped.snapshotMs} ms (${capped.recipients.toLocaleString('en')} recipients, ${capped.frequencyCapped.toLocaleString('en')} capped), uncapped ${uncapped.snapshotMs} ms`,
      );
    }
    const plainMs = median(results.map((r) => r.plain));
    const cappedMs = median(results.map((r) => r.capped.snapshotMs));
    const uncappedMs = median(results.map((r) => r.uncapped.snapshotMs));
    const ratio = cappedMs / plainMs;
    console.log(
      table(
        [`measure (median of ${rounds})`, 'value', 'target'],
        [
          ['contacts in the audience', contacts.toLocaleString('en'), ''],
          ['deliveries in the cap window', deliveries.rows[0].n.toLocaleString('en'), ''],
          ['recipients (capped snapshot)', results[0].capped.recipients.toLocaleString('en'), ''],
          ['left out by the cap (2 in 7 days)', results[0].capped.frequencyCapped.toLocaleString('en'), ''],
          ['plain INSERT … SELECT of the same rows (ms)', Math.round(plainMs), ''],
          ['gate snapshot with the cap (ms)', cappedMs, ''],
          ['  capped snapshot / plain', ratio.toFixed(2), `≤ ${TARGET_RATIO}`],
          ['gate snapshot without a cap (ms)', uncappedMs, ''],
          ['  uncapped snapshot / plain', (uncappedMs / plainMs).toFixed(2), ''],
          ['delivery history written by the gate (ms)', median(results.map((r) => r.capped.historyMs)), ''],
        ],
      ),
    );
    console.log(`database: ${database.description}`);
    if (ratio > TARGET_RATIO) console.log(`MISSED: the capped snapshot took ${ratio.toFixed(2)}× the plain copy`);
  } catch (error) {
    if (bench.service) console.error(`service output:\n${bench.service.proc.output()}`);
    throw error;
  } finally {
    await bench.close();
  }
}
