// The CSV import and the bulk PUT go through COPY into a staging table and one upsert: the edges
// of that path (duplicates far apart in a file, text COPY must escape, huge fields and NUL bytes
// refused per row, attribute merges, rows of several shapes in one PUT, concurrent imports).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { bearer, createTestApp, TestApp } from './support/app';
import { PrismaService } from '../apps/api/src/database/prisma.service';
import { untilLockWait } from './support/database';

const uid = (n: number) => `U${n.toString(16).padStart(32, '0')}`;

describe('contacts import through COPY', () => {
  let t: TestApp;
  let accountId: string;
  const url = () => `/api/v1/line-accounts/${accountId}/contacts`;
  const importCsv = (csv: string) =>
    t.http().post(`${url()}/import`).set(bearer(t.adminToken)).set('Content-Type', 'text/csv').send(csv);
  const stored = async (ids: string[]) =>
    (
      await t.db.pool.query(
        `SELECT line_user_id, display_name, tags, attributes, status::text, followed_at FROM contacts
          WHERE line_account_id = $1 AND line_user_id = ANY($2) ORDER BY line_user_id`,
        [accountId, ids],
      )
    ).rows;

  const createAccount = async (name: string): Promise<string> =>
    (
      await t
        .http()
        .post('/api/v1/line-accounts')
        .set(bearer(t.adminToken))
        .send({
          name,
          channelId: String(1_800_000_000 + Math.floor(Math.random() * 1_000_000)),
          channelAccessToken: 'token',
          channelSecret: 'secret',
          plan: 'high',
          monthlyBudget: '500',
        })
        .expect(201)
    ).body.id;

  beforeAll(async () => {
    t = await createTestApp();
    accountId = await createAccount('Copy import');
  });
  afterAll(() => t.close());

  it('keeps the last row of a user however far apart in the file, and reports each earlier one', async () => {
    const lines = ['lineUserId,displayName,n'];
    for (let i = 0; i < 12_000; i++) lines.push(`${uid(10_000 + i)},Row ${i},${i}`);
    lines.push(`${uid(10_000)},Last of three,x`); // line 12,002; also at lines 2 and 12,003
    lines.push(`${uid(10_000)},Really last,y`);
    lines.push(`${uid(10_001)},Second,z`);
    const response = await importCsv(lines.join('\n')).expect(200);
    expect(response.body).toEqual({
      rows: 12_003,
      created: 12_000,
      updated: 0,
      rejectedCount: 3,
      rejected: [
        { line: 2, problem: 'superseded by line 12002, which has the same lineUserId' },
        { line: 3, problem: 'superseded by line 12004, which has the same lineUserId' },
        { line: 12_002, problem: 'superseded by line 12003, which has the same lineUserId' },
      ],
      rejectedTruncated: false,
    });
    expect(await stored([uid(10_000), uid(10_001)])).toMatchObject([
      { display_name: 'Really last', attributes: { n: 'y' } },
      { display_name: 'Second', attributes: { n: 'z' } },
    ]);
  });

  it('stores backslashes, tabs, line breaks, quotes, braces and \\N exactly as the file has them', async () => {
    const name = 'Back\\slash\ttab "quoted" \\N {brace}';
    const csv = [
      'lineUserId,displayName,tags,note',
      `${uid(20_001)},"${name.replace(/"/g, '""')}","a,b|{c}|d\\e|""q""","line1\r\nline2\\n\t\\N"`,
      `${uid(20_002)},\\N,\\N,\\N`,
    ].join('\n');
    await importCsv(csv).expect(200);
    expect(await stored([uid(20_001), uid(20_002)])).toMatchObject([
      { display_name: name, tags: ['a,b', '{c}', 'd\\e', '"q"'], attributes: { note: 'line1\r\nline2\\n\t\\N' } },
      { display_name: '\\N', tags: ['\\N'], attributes: { note: '\\N' } },
    ]);
  });

  it('refuses huge fields and NUL bytes row by row, and imports the rows around them', async () => {
    const csv = [
      'lineUserId,displayName,tags,note',
      `${uid(30_001)},${'n'.repeat(201)},,`,
      `${uid(30_002)},ok,,${'x'.repeat(1_001)}`,
      `${uid(30_003)},"${'y'.repeat(70_000)}",,`,
      `${uid(30_004)},nul\u0000name,,`,
      `${uid(30_005)},ok,tag\u0000,`,
      `${uid(30_006)},ok,,nul\u0000note`,
      `${uid(30_007)},Fine,,fine`,
    ].join('\n');
    const response = await importCsv(csv).expect(200);
    expect(response.body).toMatchObject({ rows: 7, created: 1, rejectedCount: 6 });
    expect(response.body.rejected.map((r: { line: number }) => r.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(response.body.rejected[0].problem).toContain('displayName');
    expect(response.body.rejected[3].problem).toContain('NUL');
    expect(await stored([30_001, 30_002, 30_003, 30_004, 30_005, 30_006, 30_007].map(uid))).toMatchObject([
      { line_user_id: uid(30_007), display_name: 'Fine', attributes: { note: 'fine' } },
    ]);
  });

  it('merges attributes and keeps what a file leaves out: empty cells, a missing tags column', async () => {
    await t
      .http()
      .put(url())
      .set(bearer(t.adminToken))
      .send({
        contacts: [
          { lineUserId: uid(40_001), displayName: 'Kept', tags: ['old'], attributes: { a: 1, b: 'two' } },
          { lineUserId: uid(40_002), displayName: 'Also kept', tags: ['old'], attributes: { a: 1 } },
        ],
      })
      .expect(200);
    const response = await importCsv(
      ['lineUserId,displayName,b,c', `${uid(40_001)},,,3`, `${uid(40_002)},Renamed,,`, `${uid(40_003)},,new,`].join(
        '\n',
      ),
    ).expect(200);
    expect(response.body).toMatchObject({ rows: 3, created: 1, updated: 2, rejectedCount: 0 });
    expect(await stored([uid(40_001), uid(40_002), uid(40_003)])).toMatchObject([
      { display_name: 'Kept', tags: ['old'], attributes: { a: 1, b: 'two', c: 3 } },
      { display_name: 'Renamed', tags: ['old'], attributes: { a: 1 } },
      { display_name: null, tags: [], attributes: { b: 'new' }, status: 'following' },
    ]);
    // A tags column empties the tags of a row whose cell is empty.
    await importCsv(`lineUserId,tags\n${uid(40_001)},\n${uid(40_002)},x|y\n`).expect(200);
    expect((await stored([uid(40_001), uid(40_002)])).map((row) => row.tags)).toEqual([[], ['x', 'y']]);
  });

  it('writes a PUT whose rows give different fields, each as it gives them', async () => {
    await t
      .http()
      .put(url())
      .set(bearer(t.adminToken))
      .send({
        contacts: [
          { lineUserId: uid(50_001), displayName: 'One', status: 'blocked', followedAt: '2026-11-01T00:00:00Z' },
          { lineUserId: uid(50_002), displayName: 'Two', followedAt: '2026-11-02T00:00:00Z' },
        ],
      })
      .expect(200);
    const response = await t
      .http()
      .put(url())
      .set(bearer(t.adminToken))
      .send({
        contacts: [
          { lineUserId: uid(50_001), displayName: null, followedAt: null },
          { lineUserId: uid(50_002), status: 'unfollowed', tags: ['t'] },
          { lineUserId: uid(50_003), displayName: 'Three' },
        ],
      })
      .expect(200);
    expect(response.body).toEqual({ created: 1, updated: 2, rejected: [] });
    expect(await stored([uid(50_001), uid(50_002), uid(50_003)])).toEqual([
      {
        line_user_id: uid(50_001),
        display_name: null,
        tags: [],
        attributes: {},
        status: 'blocked',
        followed_at: null,
      },
      {
        line_user_id: uid(50_002),
        display_name: 'Two',
        tags: ['t'],
        attributes: {},
        status: 'unfollowed',
        followed_at: new Date('2026-11-02T00:00:00Z'),
      },
      {
        line_user_id: uid(50_003),
        display_name: 'Three',
        tags: [],
        attributes: {},
        status: 'following',
        followed_at: null,
      },
    ]);
  });

  it('runs concurrent imports of the same users to the end (locks taken in one order)', async () => {
    const forward = ['lineUserId,displayName'];
    for (let i = 0; i < 3_000; i++) forward.push(`${uid(60_000 + i)},F${i}`);
    const backward = [forward[0], ...forward.slice(1).reverse()];
    const [a, b] = await Promise.all([importCsv(forward.join('\n')), importCsv(backward.join('\n'))]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.created + b.body.created).toBe(3_000);
    expect(a.body.updated + b.body.updated).toBe(3_000);
  });

  it('counts a user another writer adds while the import inserts new users as updated, not a failure', async () => {
    // The import sees no contact in its users' range, so it inserts them without ON CONFLICT; a
    // webhook's contact for one of them, written meanwhile, must not fail the import.
    const other = await t.db.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO contacts (id, line_account_id, line_user_id, display_name, attributes, updated_at)
         VALUES (gen_random_uuid(), $1, $2, 'From the webhook', '{"kept": 1}', now())`,
        [accountId, uid(65_050)],
      );
      const lines = ['lineUserId,displayName,n'];
      for (let i = 0; i < 100; i++) lines.push(`${uid(65_000 + i)},Imported ${i},${i}`);
      const pending = importCsv(lines.join('\n')).then((response) => response);
      // The import waits on the uncommitted contact's key; then the other writer commits.
      await untilLockWait(t.db.pool, '^(INSERT INTO|COPY) contacts');
      await other.query('COMMIT');
      const response = await pending;
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ rows: 100, created: 99, updated: 1, rejectedCount: 0 });
    } finally {
      other.release();
    }
    expect(await stored([uid(65_050), uid(65_051)])).toMatchObject([
      { display_name: 'Imported 50', attributes: { kept: 1, n: 50 } },
      { display_name: 'Imported 51', attributes: { n: 51 } },
    ]);
  });

  it('shows how far an import is while it reads the file and while it writes the rows, then its outcome', async () => {
    const importId = randomUUID();
    const progress = async () =>
      (await t.http().get(`${url()}/import/${importId}`).set(bearer(t.adminToken)).expect(200)).body;
    const until = async (what: string, done: (p: Record<string, unknown>) => boolean) => {
      for (let waited = 0; waited < 60_000; waited += 100) {
        const seen = await progress().catch(() => null);
        if (seen && done(seen)) return seen;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`the import's progress never showed ${what}: ${JSON.stringify(await progress())}`);
    };
    // One user of the file is a contact already, held by a colleague's edit: the import's writing
    // stops at that user's chunk until the edit commits, so its progress can be read half way.
    const held = uid(80_000 + 39_990);
    await t
      .http()
      .put(url())
      .set(bearer(t.adminToken))
      .send({ contacts: [{ lineUserId: held, displayName: 'Held' }] })
      .expect(200);
    const edit = await t.db.pool.connect();
    const server = t.app.getHttpServer() as http.Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await edit.query('BEGIN');
      await edit.query(`SELECT 1 FROM contacts WHERE line_account_id = $1 AND line_user_id = $2 FOR UPDATE`, [
        accountId,
        held,
      ]);
      const answer = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
        const upload = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `${url()}/import?importId=${importId}`,
            headers: { ...bearer(t.adminToken), 'Content-Type': 'text/csv' },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({ status: response.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
            );
          },
        );
        upload.on('error', reject);
        const rows = (from: number, to: number) =>
          Array.from({ length: to - from }, (_, i) => `${uid(80_000 + from + i)},Progress ${from + i}\n`).join('');
        upload.write(`lineUserId,displayName\n${rows(0, 20_000)}`);
        // The first half is read while the rest has not been sent.
        void until('rows read', (p) => p.state === 'reading' && (p.rowsRead as number) > 0)
          .then((reading) => {
            expect(reading).toMatchObject({ rowsToWrite: null, rowsWritten: 0, created: null, finishedAt: null });
            upload.end(rows(20_000, 40_000));
          })
          .catch(reject);
      });
      const writing = await until('rows written', (p) => p.state === 'writing' && (p.rowsWritten as number) > 0);
      expect(writing.rowsToWrite).toBe(40_000);
      expect(writing.rowsWritten).toBeGreaterThan(0);
      expect(writing.rowsWritten).toBeLessThan(40_000);
      expect(writing.rowsRead).toBe(40_000);
      // Written, but nobody else sees them before the import commits.
      const { rows: visible } = await t.db.pool.query(
        `SELECT count(*)::int AS n FROM contacts WHERE line_account_id = $1 AND display_name LIKE 'Progress %'`,
        [accountId],
      );
      expect(visible[0].n).toBe(0);
      await edit.query('COMMIT');
      const response = await answer;
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ rows: 40_000, created: 39_999, updated: 1, rejectedCount: 0 });
      expect(await progress()).toMatchObject({
        id: importId,
        state: 'completed',
        rowsRead: 40_000,
        rowsToWrite: 40_000,
        rowsWritten: 40_000,
        created: 39_999,
        updated: 1,
        rejectedCount: 0,
        error: null,
        finishedAt: expect.any(String),
      });
    } finally {
      await edit.query('ROLLBACK').catch(() => undefined);
      edit.release();
    }
    // An id names one import; a file refused at its header is a failed import.
    await importCsv('lineUserId\n')
      .query({ importId })
      .expect(409)
      .expect((r) => expect(r.body.details).toEqual([{ field: 'importId', problem: 'is taken by another import' }]));
    const refused = randomUUID();
    await t
      .http()
      .post(`${url()}/import`)
      .query({ importId: refused })
      .set(bearer(t.adminToken))
      .set('Content-Type', 'text/csv')
      .send('displayName\nNo id column\n')
      .expect(400);
    expect((await t.http().get(`${url()}/import/${refused}`).set(bearer(t.adminToken)).expect(200)).body).toMatchObject(
      {
        state: 'failed',
        rowsWritten: 0,
        error: expect.stringContaining('lineUserId'),
      },
    );
    await t.http().get(`${url()}/import/${randomUUID()}`).set(bearer(t.adminToken)).expect(404);
  });

  it("keeps an import's progress a month after its last report: the account's next upload prunes older ones", async () => {
    const progressOf = (id: string) => t.http().get(`${url()}/import/${id}`).set(bearer(t.adminToken));
    const [old, recent, running, next, otherOld] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    // Another account's old import is not this account's to prune.
    const otherAccount = await createAccount('Other imports');
    await t.db.pool.query(
      `INSERT INTO contact_imports (id, line_account_id, state, started_at, updated_at, finished_at) VALUES
         ($1, $5, 'completed', now() - interval '31 days', now() - interval '31 days', now() - interval '31 days'),
         ($2, $5, 'completed', now() - interval '29 days', now() - interval '29 days', now() - interval '29 days'),
         -- Started long ago, still reporting: a very long import is not pruned while it runs.
         ($3, $5, 'writing', now() - interval '40 days', now(), NULL),
         ($4, $6, 'failed', now() - interval '90 days', now() - interval '90 days', now() - interval '90 days')`,
      [old, recent, running, otherOld, accountId, otherAccount],
    );
    await progressOf(old).expect(200);
    await t
      .http()
      .post(`${url()}/import?importId=${next}`)
      .set(bearer(t.adminToken))
      .set('Content-Type', 'text/csv')
      .send(`lineUserId\n${uid(7_000_001)}\n`)
      .expect(200);
    await progressOf(old).expect(404);
    expect((await progressOf(recent).expect(200)).body.state).toBe('completed');
    expect((await progressOf(running).expect(200)).body.state).toBe('writing');
    expect((await progressOf(next).expect(200)).body).toMatchObject({ state: 'completed', created: 1 });
    const { rowCount } = await t.db.pool.query(`SELECT 1 FROM contact_imports WHERE id = $1`, [otherOld]);
    expect(rowCount).toBe(1);
  });

  it('writes nothing of an upload the client abandons half way, and gives its connection back', async () => {
    const server = t.app.getHttpServer() as http.Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const upload = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `${url()}/import`,
      headers: { ...bearer(t.adminToken), 'Content-Type': 'text/csv', 'Content-Length': '10000000' },
    });
    upload.on('error', () => undefined);
    upload.write('lineUserId,displayName\n');
    for (let i = 0; i < 2_000; i++) upload.write(`${uid(70_000 + i)},Gone ${i}\n`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    upload.destroy();
    const prisma = t.app.get(PrismaService);
    const inUse = () => prisma.poolStats().find((pool) => pool.name === 'prisma')!.inUse;
    for (let waited = 0; inUse() > 0 && waited < 10_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(inUse()).toBe(0);
    const { rows } = await t.db.pool.query(
      `SELECT count(*)::int AS n FROM contacts WHERE line_account_id = $1 AND display_name LIKE 'Gone %'`,
      [accountId],
    );
    expect(rows[0].n).toBe(0);
    await importCsv(`lineUserId\n${uid(70_000)}\n`).expect(200);
  });
});
