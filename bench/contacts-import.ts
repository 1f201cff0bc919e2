// The CSV contact import at COPY speed: BENCH_IMPORT_ROWS rows (default 1,000,000) through
// POST /line-accounts/:id/contacts/import of the service running as its own process (as `npm start`
// runs it), then, in the same run on the same database, a raw COPY of the same rows into a copy of
// the contacts table with every index; prints the ratio and the service's peak RSS.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { http as request, mib, openBenchDatabase, startServiceProcess, table, timed } from './support';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? process.argv.find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
const RATIO_TARGET = 1.5;
const RSS_TARGET = 256 * 1024 * 1024;
const DAY_MS = 86_400_000;
const CITIES = ['Taipei', 'New Taipei', 'Taichung', 'Kaohsiung', 'Tainan', 'Hsinchu'];

/** Row i of the file, as the CSV has it and as the contacts table stores it. */
function row(i: number) {
  const tags = [i % 20 === 0 ? 'vip' : '', i % 3 === 0 ? 'newsletter' : ''].filter(Boolean);
  const signupDate = new Date(Date.UTC(2020, 0, 1) + (i % 2190) * DAY_MS).toISOString().slice(0, 10);
  return {
    lineUserId: `U${i.toString(16).padStart(32, '0')}`,
    displayName: `User ${i}, imported`,
    tags,
    city: CITIES[i % 6],
    age: 18 + (i % 60),
    spend: (i * 7919) % 10000,
    member: i % 4 === 0,
    signupDate,
  };
}

/** A stream generated as it is read (the benchmark never holds the file either). */
function generated(
  count: number,
  header: string,
  line: (i: number) => string,
): { stream: Readable; bytes: () => number } {
  let next = 0;
  let bytes = 0;
  const stream = new Readable({
    read() {
      if (next === 0 && header) this.push(header);
      if (next >= count) return void this.push(null);
      const lines: string[] = [];
      for (const end = Math.min(count, next + 2_000); next < end; next++) lines.push(line(next));
      const chunk = lines.join('');
      bytes += Buffer.byteLength(chunk);
      this.push(chunk);
    },
  });
  return { stream, bytes: () => bytes };
}

const csvLine = (i: number) => {
  const r = row(i);
  return `${r.lineUserId},"${r.displayName}",${r.tags.join('|')},${r.city},${r.age},${r.spend},${r.member ? 'true' : ''},${r.signupDate}\n`;
};

/** The same row in COPY's text format, with the attributes the service makes of the CSV's cells. */
const copyLine = (accountId: string) => (i: number) => {
  const r = row(i);
  const attributes = JSON.stringify({
    city: r.city,
    age: r.age,
    spend: r.spend,
    ...(r.member ? { member: true } : {}),
    signupDate: r.signupDate,
  });
  return `${accountId}\t${r.lineUserId}\t${r.displayName}\t{${r.tags.join(',')}}\t${attributes}\n`;
};

export async function runContactsImportBench(): Promise<void> {
  const log = (line: string) => console.log(`[contacts-import] ${line}`);
  const database = await openBenchDatabase();
  const adminToken = `lcm_bench_${randomBytes(16).toString('hex')}`;
  const port = 43_000 + Math.floor(Math.random() * 1000);
  let service: Awaited<ReturnType<typeof startServiceProcess>> | null = null;
  const db = new Client({ connectionString: database.url });
  try {
    // LOG_LEVEL info: the import's own log line says where its time went.
    service = await startServiceProcess(port, {
      DATABASE_URL: database.url,
      ADMIN_TOKEN: adminToken,
      DISPATCH_ENABLED: 'false',
      LOG_LEVEL: 'info',
    });
    const api = `${service.root}/api/v1`;
    log(`database: ${database.description}; node ${process.version}; ${ROWS.toLocaleString('en')} rows`);
    await db.connect();
    const account = await request<{ id: string }>(api, adminToken, 'POST', '/line-accounts', {
      name: 'Bench import',
      channelId: '1600000020',
      channelAccessToken: 'bench',
      channelSecret: 'bench',
      plan: 'high',
      monthlyBudget: '1000',
    });
    const rssBefore = service.proc.peakRss();
    // The import's log line (where its time went), caught as it is written: the process's output
    // buffer keeps only its tail.
    let phaseLine = '';
    let pending = '';
    service.proc.child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop()!;
      phaseLine = lines.findLast((line) => line.includes('"stageMs"')) ?? phaseLine;
    });

    // 1. Through the service: HTTP, parse, check, COPY into the import's staging table, upsert.
    // Each path starts from a checkpoint: neither pays for the dirty pages of what came before it.
    await db.query(`CHECKPOINT`).catch(() => undefined);
    const csv = generated(ROWS, 'lineUserId,displayName,tags,city,age,spend,member,signupDate\n', csvLine);
    const imported = await timed(() =>
      postCsv(`${api}/line-accounts/${account.id}/contacts/import`, adminToken, csv.stream),
    );
    const summary = JSON.parse(imported.value) as { rows: number; created: number; rejectedCount: number };
    if (summary.created !== ROWS || summary.rejectedCount) throw new Error(`import: ${imported.value.slice(0, 500)}`);
    const peakRss = service.proc.peakRss();
    // The log line is written before the response, but the pipe may bring it a little after.
    for (let waited = 0; !phaseLine && !pending.includes('"stageMs"') && waited < 2_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const phases = /"rows":(\d+),"stageMs":(\d+),"upsertMs":(\d+),"commitMs":(\d+)/.exec(phaseLine + pending);
    const sorted = /"sortMs":(\d+),"chunks":(\{[^}]*\})/.exec(phaseLine + pending);

    // 2. Raw COPY of the same rows into a table like contacts, with the same indexes (and the
    // generated attribute_instants column): what PostgreSQL alone takes to store them.
    await db.query(`CREATE TABLE bench_raw_contacts (LIKE contacts INCLUDING ALL)`);
    await db.query(`ALTER TABLE bench_raw_contacts ALTER COLUMN id SET DEFAULT gen_random_uuid()`);
    await db.query(`CHECKPOINT`).catch(() => undefined);
    const raw = await timed(async () => {
      const copy = db.query(
        copyFrom(`COPY bench_raw_contacts (line_account_id, line_user_id, display_name, tags, attributes) FROM STDIN`),
      );
      await pipeline(generated(ROWS, '', copyLine(account.id)).stream, copy);
    });
    const { rows: check } = await db.query<{ same: boolean }>(
      `SELECT (SELECT count(*) FROM bench_raw_contacts) = (SELECT count(*) FROM contacts WHERE line_account_id = $1)
          AND NOT EXISTS (SELECT line_user_id, display_name, tags, attributes FROM bench_raw_contacts
                          EXCEPT SELECT line_user_id, display_name, tags, attributes FROM contacts WHERE line_account_id = $1) AS same`,
      [account.id],
    );

    const ratio = imported.ms / raw.ms;
    console.log(
      `\nCSV import of ${ROWS.toLocaleString('en')} rows (${mib(csv.bytes())}, 8 columns: id, name, tags, 5 attributes) against a raw COPY of the same rows\n`,
    );
    console.log(
      table(
        ['path', 'seconds', 'rows/s', 'ratio'],
        [
          [
            'service: POST …/contacts/import',
            (imported.ms / 1000).toFixed(1),
            Math.round(ROWS / (imported.ms / 1000)).toLocaleString('en'),
            `${ratio.toFixed(2)} (target ≤ ${RATIO_TARGET})`,
          ],
          [
            'raw COPY, same indexes',
            (raw.ms / 1000).toFixed(1),
            Math.round(ROWS / (raw.ms / 1000)).toLocaleString('en'),
            '1.00',
          ],
        ],
      ),
    );
    if (phases)
      console.log(
        `\nthe service's import: reading, checking and COPY into staging ${(Number(phases[2]) / 1000).toFixed(1)} s, ` +
          `upsert into contacts ${(Number(phases[3]) / 1000).toFixed(1)} s, commit ${(Number(phases[4]) / 1000).toFixed(1)} s` +
          (sorted
            ? ` (of the upsert: the last row per user sorted into a table ${(Number(sorted[1]) / 1000).toFixed(1)} s; chunks ${sorted[2]})`
            : ''),
      );
    console.log(
      `service peak RSS (VmHWM): ${mib(peakRss)} (target < ${mib(RSS_TARGET)}; ${mib(rssBefore)} before the import); same rows stored: ${check[0].same ? 'yes' : 'NO'}\n`,
    );
  } finally {
    await db.end().catch(() => undefined);
    await service?.proc.stop();
    await database.close();
  }
}

function postCsv(url: string, token: string, body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const post = http.request(
      url,
      { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) reject(new Error(`import: ${response.statusCode} ${text}`));
          else resolve(text);
        });
      },
    );
    post.on('error', reject);
    body.pipe(post);
  });
}
