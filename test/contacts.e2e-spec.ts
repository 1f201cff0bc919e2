import { gzipSync } from 'node:zlib';
import { bearer, createTestApp, TestApp } from './support/app';
import { ContactsRepository } from '../apps/api/src/contacts/contacts.repository';

/** A valid LINE user id from a number. */
const uid = (n: number) => `U${n.toString(16).padStart(32, '0')}`;

const account = () => ({
  name: 'Contacts store',
  channelId: String(1_700_000_000 + Math.floor(Math.random() * 1_000_000)),
  channelAccessToken: 'token',
  channelSecret: 'secret',
  plan: 'high',
  monthlyBudget: '500',
});

describe('contacts', () => {
  let t: TestApp;
  let marketer: { id: string; token: string };
  let approver: { id: string; token: string };
  let accountId: string;
  const contactsUrl = () => `/api/v1/line-accounts/${accountId}/contacts`;

  beforeAll(async () => {
    t = await createTestApp();
    marketer = await t.createUser('marketer');
    approver = await t.createUser('approver');
    accountId = (await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account()).expect(201))
      .body.id;
  });
  afterAll(() => t.close());

  it('upserts in bulk, lists rows with problems by index and writes the rest', async () => {
    const first = await t
      .http()
      .put(contactsUrl())
      .set(bearer(marketer.token))
      .send({
        contacts: [
          {
            lineUserId: uid(1),
            displayName: 'Mei',
            tags: ['vip', 'vip', ' news '],
            attributes: { city: 'Taipei', age: 31, member: true },
            status: 'following',
            lastInteractionAt: '2026-11-01T10:00:00+08:00',
          },
          { lineUserId: 'not-a-line-id', displayName: 'Bad' },
          { lineUserId: uid(2), attributes: { nested: { no: 1 } } },
          { lineUserId: uid(3), status: 'sleeping', tags: 'vip' },
          { lineUserId: uid(4), displayName: 'first version' },
          { lineUserId: uid(4), displayName: 'second version', status: 'blocked' },
          'not an object',
          { lineUserId: uid(5), extra: 1 },
        ],
      })
      .expect(200);
    expect(first.body.created).toBe(2);
    expect(first.body.updated).toBe(0);
    expect(first.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3, 4, 6, 7]);
    const problems = Object.fromEntries(
      first.body.rejected.map((r: { index: number; problem: string }) => [r.index, r.problem]),
    );
    expect(problems[1]).toContain('lineUserId');
    expect(problems[2]).toContain('attributes: nested');
    expect(problems[3]).toMatch(/tags: .*status: |status: .*tags: /s);
    expect(problems[4]).toContain('superseded by contacts[5]');
    expect(problems[6]).toBe('must be an object');
    expect(problems[7]).toContain('extra: unknown field');

    // A second upsert updates, keeps fields it leaves out and merges attributes.
    const second = await t
      .http()
      .put(contactsUrl())
      .set(bearer(t.adminToken))
      .send({ contacts: [{ lineUserId: uid(1), attributes: { age: 32, plan: 'gold' } }, { lineUserId: uid(6) }] })
      .expect(200);
    expect(second.body).toEqual({ created: 1, updated: 1, rejected: [] });
    const { rows } = await t.db.pool.query(
      `SELECT line_user_id, display_name, tags, attributes, status::text, last_interaction_at FROM contacts WHERE line_account_id = $1 ORDER BY line_user_id`,
      [accountId],
    );
    expect(rows).toEqual([
      {
        line_user_id: uid(1),
        display_name: 'Mei',
        tags: ['vip', 'news'],
        attributes: { city: 'Taipei', age: 32, member: true, plan: 'gold' },
        status: 'following',
        last_interaction_at: new Date('2026-11-01T02:00:00Z'),
      },
      {
        line_user_id: uid(4),
        display_name: 'second version',
        tags: [],
        attributes: {},
        status: 'blocked',
        last_interaction_at: null,
      },
      {
        line_user_id: uid(6),
        display_name: null,
        tags: [],
        attributes: {},
        status: 'following',
        last_interaction_at: null,
      },
    ]);
  });

  it('keeps attributes whatever their valid name, "constructor" and "__proto__" included, in PUT and in CSV', async () => {
    const ownAccount = (
      await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account()).expect(201)
    ).body.id;
    const url = `/api/v1/line-accounts/${ownAccount}/contacts`;
    // Built from JSON, as a client would send it: "__proto__" is then an own key, not the prototype.
    const attributes = JSON.parse('{"constructor": "Acme Builders", "__proto__": "odd but valid", "city": "Taipei"}');
    await t
      .http()
      .put(url)
      .set(bearer(marketer.token))
      .send({ contacts: [{ lineUserId: uid(401), attributes }] })
      .expect(200);
    await t
      .http()
      .post(`${url}/import`)
      .set(bearer(marketer.token))
      .set('Content-Type', 'text/csv')
      .send(`lineUserId,constructor,__proto__\n${uid(402)},Acme Builders,odd but valid\n`)
      .expect(200);
    const listed = await t.http().get(url).set(bearer(marketer.token)).expect(200);
    const stored = Object.fromEntries(
      listed.body.items.map((item: { lineUserId: string; attributes: object }) => [
        item.lineUserId,
        Object.entries(item.attributes).sort(),
      ]),
    );
    expect(stored).toEqual({
      [uid(401)]: [
        ['__proto__', 'odd but valid'],
        ['city', 'Taipei'],
        ['constructor', 'Acme Builders'],
      ],
      [uid(402)]: [
        ['__proto__', 'odd but valid'],
        ['constructor', 'Acme Builders'],
      ],
    });
  });

  it('removes an attribute given as null, for known and new contacts alike, and refuses null elsewhere in attributes', async () => {
    const ownAccount = (
      await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account()).expect(201)
    ).body.id;
    const url = `/api/v1/line-accounts/${ownAccount}/contacts`;
    await t
      .http()
      .put(url)
      .set(bearer(t.adminToken))
      .send({ contacts: [{ lineUserId: uid(301), attributes: { city: 'Taipei', joined: '2024-06-01', age: 30 } }] })
      .expect(200);
    const removal = await t
      .http()
      .put(url)
      .set(bearer(t.adminToken))
      .send({
        contacts: [
          { lineUserId: uid(301), attributes: { joined: null, age: 31, never: null } },
          { lineUserId: uid(302), attributes: { city: 'Tainan', joined: null } },
          { lineUserId: uid(303), attributes: { nested: { value: null } } },
        ],
      })
      .expect(200);
    expect(removal.body).toMatchObject({
      created: 1,
      updated: 1,
      rejected: [{ index: 2, problem: expect.stringContaining('attributes: nested') }],
    });
    const { rows } = await t.db.pool.query(
      `SELECT line_user_id, attributes, attribute_instants FROM contacts WHERE line_account_id = $1 AND line_user_id = ANY($2) ORDER BY line_user_id`,
      [ownAccount, [uid(301), uid(302), uid(303)]],
    );
    expect(rows).toEqual([
      { line_user_id: uid(301), attributes: { city: 'Taipei', age: 31 }, attribute_instants: null },
      { line_user_id: uid(302), attributes: { city: 'Tainan' }, attribute_instants: null },
    ]);
  });

  it('reads followedAt and lastInteractionAt in the one date-time grammar of the API', async () => {
    const response = await t
      .http()
      .put(contactsUrl())
      .set(bearer(marketer.token))
      .send({
        contacts: [
          { lineUserId: uid(31), followedAt: '2026-11-01T10:00:00.123456+08:00' },
          { lineUserId: uid(32), followedAt: '2026-11-01T10:00:00+0800' },
          { lineUserId: uid(33), lastInteractionAt: '2026-11-01T10:00:00.123456789Z' },
          { lineUserId: uid(34), followedAt: '2026-02-30T10:00:00Z' },
        ],
      })
      .expect(200);
    expect(response.body.created).toBe(1);
    expect(response.body.rejected).toEqual([
      { index: 1, problem: expect.stringContaining('followedAt: must be an ISO-8601 date-time with an offset') },
      { index: 2, problem: expect.stringContaining('lastInteractionAt: must be an ISO-8601 date-time with an offset') },
      { index: 3, problem: expect.stringContaining('followedAt: must be an ISO-8601 date-time with an offset') },
    ]);
    const listed = await t.http().get(contactsUrl()).set(bearer(marketer.token)).expect(200);
    const contact = listed.body.items.find((c: { lineUserId: string }) => c.lineUserId === uid(31));
    expect(contact.followedAt).toBe('2026-11-01T02:00:00.123Z');
  });

  it('refuses 10,001 rows, unknown accounts and non-writers', async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => ({ lineUserId: uid(100_000 + i) }));
    const refused = await t.http().put(contactsUrl()).set(bearer(marketer.token)).send({ contacts: rows }).expect(400);
    expect(refused.body.details[0]).toMatchObject({ field: 'contacts', problem: expect.stringContaining('10000') });
    const { rows: count } = await t.db.pool.query(`SELECT count(*)::int AS n FROM contacts WHERE line_user_id = $1`, [
      uid(100_000),
    ]);
    expect(count[0].n).toBe(0);
    const badBodies: [unknown, string][] = [
      [{}, 'contacts'],
      [{ contacts: { lineUserId: uid(1) } }, 'contacts'],
      [{ contacts: [], extra: 1 }, 'extra'],
      [[{ lineUserId: uid(1) }], 'body'],
    ];
    for (const [body, field] of badBodies) {
      const response = await t
        .http()
        .put(contactsUrl())
        .set(bearer(marketer.token))
        .send(body as object)
        .expect(400);
      expect(response.body.details).toEqual([{ field, problem: expect.any(String) }]);
    }

    const accepted = await t
      .http()
      .put(contactsUrl())
      .set(bearer(marketer.token))
      .send({ contacts: rows.slice(0, 10_000) })
      .expect(200);
    expect(accepted.body).toEqual({ created: 10_000, updated: 0, rejected: [] });

    await t
      .http()
      .put('/api/v1/line-accounts/00000000-0000-4000-8000-000000000000/contacts')
      .set(bearer(marketer.token))
      .send({ contacts: [] })
      .expect(404);
    await t.http().put(contactsUrl()).set(bearer(approver.token)).send({ contacts: [] }).expect(403);
    await t
      .http()
      .post(`${contactsUrl()}/import`)
      .set(bearer(approver.token))
      .set('Content-Type', 'text/csv')
      .send('lineUserId\n')
      .expect(403);
    await t.http().get(contactsUrl()).set(bearer(approver.token)).expect(200);
  });

  it('imports a CSV with quoted fields, attribute types and bad lines', async () => {
    const csv = [
      'lineUserId,displayName,tags,city,age,member,joined,phone',
      `${uid(201)},"Lin, Mei","vip|newsletter",Taipei,31,true,2024-05-01,0912345678`,
      `${uid(202)},"He said ""hi""",,"New
Taipei",,false,,`,
      `${uid(203)},Too,few,fields`,
      `not-an-id,X,,,,,,`,
      `${uid(204)},bad"quote,,,,,,`,
      ``,
      `${uid(205)},Five,a| b ||c,Tainan,1.5,TRUE,,`,
      `${uid(201)},"Lin again",vip,Taichung,32,,,`,
    ].join('\r\n');
    const response = await t
      .http()
      .post(`${contactsUrl()}/import`)
      .set(bearer(marketer.token))
      .set('Content-Type', 'text/csv; charset=utf-8')
      .send(csv)
      .expect(200);
    expect(response.body).toEqual({
      rows: 7,
      created: 3,
      updated: 0,
      rejectedCount: 4,
      rejected: [
        { line: 2, problem: 'superseded by line 10, which has the same lineUserId' },
        { line: 5, problem: 'has 4 fields; the header has 8' },
        { line: 6, problem: expect.stringContaining('lineUserId') },
        { line: 7, problem: expect.stringContaining('quote inside unquoted field 2') },
      ],
      rejectedTruncated: false,
    });
    const { rows } = await t.db.pool.query(
      `SELECT line_user_id, display_name, tags, attributes FROM contacts WHERE line_account_id = $1 AND line_user_id = ANY($2) ORDER BY line_user_id`,
      [accountId, [uid(201), uid(202), uid(205)]],
    );
    expect(rows).toEqual([
      { line_user_id: uid(201), display_name: 'Lin again', tags: ['vip'], attributes: { city: 'Taichung', age: 32 } },
      {
        line_user_id: uid(202),
        display_name: 'He said "hi"',
        tags: [],
        attributes: { city: 'New\nTaipei', member: false },
      },
      {
        line_user_id: uid(205),
        display_name: 'Five',
        tags: ['a', 'b', 'c'],
        attributes: { city: 'Tainan', age: 1.5, member: true },
      },
    ]);

    // Importing again updates; an empty cell keeps the stored attribute.
    const again = await t
      .http()
      .post(`${contactsUrl()}/import`)
      .set(bearer(marketer.token))
      .set('Content-Type', 'text/csv')
      .send(`lineUserId,city,age\n${uid(205)},,2\n`)
      .expect(200);
    expect(again.body).toMatchObject({ rows: 1, created: 0, updated: 1, rejectedCount: 0 });
    const { rows: after } = await t.db.pool.query(
      `SELECT attributes, tags FROM contacts WHERE line_account_id = $1 AND line_user_id = $2`,
      [accountId, uid(205)],
    );
    expect(after[0]).toEqual({ attributes: { city: 'Tainan', age: 2, member: true }, tags: ['a', 'b', 'c'] });
  });

  it('reads typed header columns and refuses the rows that do not fit, with their line', async () => {
    const csv = [
      'lineUserId,age:number,signupDate:date,vip:boolean,zip:string,city',
      `${uid(301)},031,2024-05-01,TRUE,0123,Taipei`,
      `${uid(302)},abc,2024-05-01,false,1,Tainan`,
      `${uid(303)},40,yesterday,false,2,Hsinchu`,
      `${uid(304)},41,2024-06-01T10:00+08:00,maybe,3,Keelung`,
      `${uid(305)},,,,,42`,
    ].join('\n');
    const response = await t
      .http()
      .post(`${contactsUrl()}/import`)
      .set(bearer(marketer.token))
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(200);
    expect(response.body).toMatchObject({ rows: 5, created: 2, updated: 0, rejectedCount: 3 });
    expect(response.body.rejected).toEqual([
      { line: 3, problem: 'age: "abc" is not a number (the header declares age:number)' },
      { line: 4, problem: expect.stringMatching(/^signupDate: "yesterday" is not a date/) },
      { line: 5, problem: 'vip: "maybe" is not true or false (the header declares vip:boolean)' },
    ]);
    const { rows } = await t.db.pool.query(
      `SELECT line_user_id, attributes FROM contacts WHERE line_account_id = $1 AND line_user_id = ANY($2) ORDER BY line_user_id`,
      [accountId, [uid(301), uid(305)]],
    );
    expect(rows).toEqual([
      {
        line_user_id: uid(301),
        attributes: { age: 31, signupDate: '2024-05-01', vip: true, zip: '0123', city: 'Taipei' },
      },
      { line_user_id: uid(305), attributes: { city: 42 } }, // an untyped column infers, as before
    ]);

    const unknownType = await t
      .http()
      .post(`${contactsUrl()}/import`)
      .set(bearer(marketer.token))
      .set('Content-Type', 'text/csv')
      .send('lineUserId,age:integer,tags:string\n')
      .expect(400);
    expect(unknownType.body.details).toEqual([
      {
        field: 'header[1]',
        problem: expect.stringContaining('declares an unknown type (string, number, boolean, date)'),
      },
      { field: 'header[2]', problem: 'column tags takes no type' },
    ]);
  });

  it('refuses a CSV without a usable header, or not sent as CSV', async () => {
    const noId = await t
      .http()
      .post(`${contactsUrl()}/import`)
      .set(bearer(marketer.token))
      .set('Content-Type', 'text/csv')
      .send('displayName,tags\nx,y\n')
      .expect(400);
    expect(noId.body.details).toContainEqual({ field: 'header', problem: 'needs a lineUserId column' });
    const badName = await t
      .http()
      .post(`${contactsUrl()}/import`)
      .set(bearer(marketer.token))
      .set('Content-Type', 'text/csv')
      .send('lineUserId,city,city,has space\n')
      .expect(400);
    expect(badName.body.details.map((d: { field: string }) => d.field)).toEqual(['header[2]', 'header[3]']);
    await t
      .http()
      .post(`${contactsUrl()}/import`)
      .set(bearer(marketer.token))
      .set('Content-Type', 'text/csv')
      .send('')
      .expect(400);
    const json = await t
      .http()
      .post(`${contactsUrl()}/import`)
      .set(bearer(marketer.token))
      .send({ lineUserId: uid(1) })
      .expect(415);
    expect(json.body.details[0].field).toBe('Content-Type');
  });

  it('refuses text that is not UTF-8 instead of storing U+FFFD: rows from Big5 or Latin-1, a UTF-16 file, another charset', async () => {
    const post = (body: Buffer, contentType = 'text/csv') =>
      t.http().post(`${contactsUrl()}/import`).set(bearer(marketer.token)).set('Content-Type', contentType).send(body);
    // Line 2 is UTF-8, line 3 "王小明" in Big5 (as Excel saves it on a Traditional Chinese Windows), line 4 Latin-1.
    const mixed = Buffer.concat([
      Buffer.from(`lineUserId,displayName,tags\n${uid(0xe0001)},王小明,vip\n${uid(0xe0002)},`),
      Buffer.from([0xa4, 0xfd, 0xa4, 0x70, 0xa9, 0xfa]),
      Buffer.from(`,vip\n${uid(0xe0003)},Caf`),
      Buffer.from([0xe9]),
      Buffer.from(',\n'),
    ]);
    const imported = await post(mixed).expect(200);
    expect(imported.body).toMatchObject({ rows: 3, created: 1, updated: 0, rejectedCount: 2 });
    expect(imported.body.rejected.map((r: { line: number }) => r.line)).toEqual([3, 4]);
    expect(imported.body.rejected[0].problem).toMatch(/not UTF-8 text.*save the file as UTF-8/);
    const { rows } = await t.db.pool.query(
      `SELECT line_user_id, display_name FROM contacts WHERE line_account_id = $1 AND line_user_id = ANY($2)`,
      [accountId, [uid(0xe0001), uid(0xe0002), uid(0xe0003)]],
    );
    expect(rows).toEqual([{ line_user_id: uid(0xe0001), display_name: '王小明' }]);

    const utf16 = await post(Buffer.from(`\ufefflineUserId,displayName,tags\n${uid(0xe0004)},x,\n`, 'utf16le')).expect(
      400,
    );
    expect(utf16.body.details).toEqual([{ field: 'header', problem: 'not UTF-8 text' }]);
    const big5 = await post(Buffer.from(`lineUserId\n${uid(0xe0005)}\n`), 'text/csv; charset=big5').expect(415);
    expect(big5.body.details).toEqual([{ field: 'Content-Type', problem: 'charset must be utf-8, not big5' }]);
    await post(Buffer.from(`lineUserId\n${uid(0xe0005)}\n`), 'text/csv; charset="UTF-8"').expect(200);
  });

  it('caps the listed rejections and gives the total', async () => {
    const lines = ['lineUserId'];
    for (let i = 0; i < 1_500; i++) lines.push(`bad-${i}`);
    lines.push(uid(300));
    const response = await t
      .http()
      .post(`${contactsUrl()}/import`)
      .set(bearer(marketer.token))
      .set('Content-Type', 'text/csv')
      .send(lines.join('\n'))
      .expect(200);
    expect(response.body).toMatchObject({ rows: 1_501, created: 1, rejectedCount: 1_500, rejectedTruncated: true });
    expect(response.body.rejected).toHaveLength(1_000);
    expect(response.body.rejected[999].line).toBe(1_001);
  });

  it('imports a gzipped CSV sent with Content-Encoding: gzip, and refuses other encodings and broken gzip', async () => {
    const lines = ['lineUserId,displayName,tags'];
    for (let i = 0; i < 3_000; i++) lines.push(`${uid(700_000 + i)},Zipped ${i},zipped`);
    const gzipped = gzipSync(lines.join('\n') + '\n');
    const upload = (body: Buffer, encoding: string) =>
      t
        .http()
        .post(`${contactsUrl()}/import`)
        .set(bearer(marketer.token))
        .set('Content-Type', 'text/csv')
        .set('Content-Encoding', encoding)
        .serialize((bytes: Buffer) => bytes as unknown as string) // the bytes as they are
        .send(body);
    const imported = await upload(gzipped, 'gzip').expect(200);
    expect(imported.body).toMatchObject({ rows: 3_000, created: 3_000, rejectedCount: 0 });
    const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM contacts WHERE 'zipped' = ANY(tags)`);
    expect(rows[0].n).toBe(3_000);

    const brotli = await upload(gzipped, 'br').expect(415);
    expect(brotli.body.details).toEqual([{ field: 'Content-Encoding', problem: 'must be gzip or identity, not br' }]);
    const broken = await upload(gzipped.subarray(0, 40), 'gzip').expect(400);
    expect(broken.body.details).toEqual([{ field: 'body', problem: 'is not valid gzip (Content-Encoding: gzip)' }]);
  });

  it('imports across several batches', async () => {
    const lines = ['lineUserId,displayName,tags,score'];
    for (let i = 0; i < 12_000; i++) lines.push(`${uid(500_000 + i)},User ${i},${i % 2 ? 'odd' : 'even'},${i}`);
    const response = await t
      .http()
      .post(`${contactsUrl()}/import`)
      .set(bearer(marketer.token))
      .set('Content-Type', 'text/csv')
      .send(lines.join('\n') + '\n')
      .expect(200);
    expect(response.body).toMatchObject({ rows: 12_000, created: 12_000, updated: 0, rejectedCount: 0 });
    const { rows } = await t.db.pool.query(
      `SELECT count(*)::int AS n, sum((attributes->>'score')::int)::bigint AS total FROM contacts WHERE line_account_id = $1 AND 'odd' = ANY(tags)`,
      [accountId],
    );
    expect(rows[0]).toEqual({ n: 6_000, total: String(6_000 * 6_000) });
  });

  it('lists with tag and status filters and cursor paging', async () => {
    const other = (await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account()).expect(201))
      .body.id;
    const contacts = Array.from({ length: 25 }, (_, i) => ({
      lineUserId: uid(900 + i),
      tags: i % 3 === 0 ? ['vip'] : ['regular'],
      status: i % 5 === 0 ? 'blocked' : 'following',
    }));
    await t
      .http()
      .put(`/api/v1/line-accounts/${other}/contacts`)
      .set(bearer(marketer.token))
      .send({ contacts })
      .expect(200);
    const url = `/api/v1/line-accounts/${other}/contacts`;

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { lineUserId: string }[]; nextCursor: string | null } } = await t
        .http()
        .get(url)
        .query({ limit: 10, ...(cursor ? { cursor } : {}) })
        .set(bearer(approver.token))
        .expect(200);
      seen.push(...page.body.items.map((item) => item.lineUserId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(contacts.map((c) => c.lineUserId));

    const vipFollowing = await t
      .http()
      .get(url)
      .query({ tag: 'vip', status: 'following' })
      .set(bearer(marketer.token))
      .expect(200);
    const expected = contacts.filter((c, i) => i % 3 === 0 && i % 5 !== 0).map((c) => c.lineUserId);
    expect(vipFollowing.body.items.map((item: { lineUserId: string }) => item.lineUserId)).toEqual(expected);
    expect(vipFollowing.body.items[0]).toMatchObject({
      lineAccountId: other,
      tags: ['vip'],
      status: 'following',
      attributes: {},
      displayName: null,
      followedAt: null,
    });
    expect(vipFollowing.body.nextCursor).toBeNull();

    await t.http().get(url).query({ status: 'asleep' }).set(bearer(marketer.token)).expect(400);
    const badCursor = await t.http().get(url).query({ cursor: 'nonsense' }).set(bearer(marketer.token)).expect(400);
    expect(badCursor.body.details[0].field).toBe('cursor');
  });

  it('filters by a typed attribute condition, with tag, status and cursor paging, as an audience rule would', async () => {
    const other = (await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account()).expect(201))
      .body.id;
    const cities = ['Taipei', 'Tainan', 'Kaohsiung'];
    const contacts = Array.from({ length: 30 }, (_, i) => ({
      lineUserId: uid(1200 + i),
      tags: i % 2 === 0 ? ['vip'] : [],
      status: i % 4 === 0 ? 'blocked' : 'following',
      attributes: {
        city: cities[i % 3],
        age: 20 + i,
        member: i % 5 === 0,
        ...(i < 10 ? { since: `2025-0${1 + (i % 9)}-01` } : {}),
      },
    }));
    await t
      .http()
      .put(`/api/v1/line-accounts/${other}/contacts`)
      .set(bearer(marketer.token))
      .send({ contacts })
      .expect(200);
    const url = `/api/v1/line-accounts/${other}/contacts`;
    const ids = async (query: Record<string, string | number>) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { lineUserId: string }[]; nextCursor: string | null } } = await t
          .http()
          .get(url)
          .query({ limit: 4, ...query, ...(cursor ? { cursor } : {}) })
          .set(bearer(marketer.token))
          .expect(200);
        seen.push(...page.body.items.map((item) => item.lineUserId));
        cursor = page.body.nextCursor;
      } while (cursor);
      return seen;
    };
    const where = (keep: (c: (typeof contacts)[number], i: number) => boolean) =>
      contacts.filter(keep).map((c) => c.lineUserId);

    expect(await ids({ attribute: 'city', value: 'Tainan' })).toEqual(where((c) => c.attributes.city === 'Tainan'));
    expect(
      await ids({ attribute: 'city', op: 'in', value: 'Tainan,Kaohsiung', tag: 'vip', status: 'following' }),
    ).toEqual(where((c) => c.attributes.city !== 'Taipei' && c.tags.includes('vip') && c.status === 'following'));
    expect(await ids({ attribute: 'age', op: 'gte', value: 45, valueType: 'number' })).toEqual(
      where((c) => c.attributes.age >= 45),
    );
    expect(await ids({ attribute: 'member', value: 'true', valueType: 'boolean' })).toEqual(
      where((c) => c.attributes.member),
    );
    expect(await ids({ attribute: 'since', op: 'lt', value: '2025-04-01', valueType: 'date' })).toEqual(
      where((c) => c.attributes.since !== undefined && c.attributes.since < '2025-04-01'),
    );
    expect(await ids({ attribute: 'since', op: 'exists', value: 'false' })).toEqual(
      where((c) => c.attributes.since === undefined),
    );
    // A number is not the text "25": types are kept apart as in audience rules.
    expect(await ids({ attribute: 'age', value: '25' })).toEqual([]);

    const bad = async (query: Record<string, string>, field: string) => {
      const response = await t.http().get(url).query(query).set(bearer(marketer.token)).expect(400);
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await bad({ attribute: 'age', op: 'gt', value: 'old', valueType: 'number' }, 'value');
    await bad({ attribute: 'city', op: 'gt', value: 'T' }, 'valueType');
    await bad({ attribute: 'city', op: 'like', value: 'T' }, 'op');
    await bad({ attribute: 'ci ty', value: 'T' }, 'attribute');
    await bad({ value: 'Taipei' }, 'value');
    // Over HTTP: a parameter given twice arrives as a list, and a list body as a list.
    const twice = await t.http().get(`${url}?attribute=city&value=Taipei&value=Tainan`).set(bearer(marketer.token));
    expect(twice.status).toBe(400);
    expect(twice.body.details).toEqual([{ field: 'value', problem: 'must be given once' }]);
    const list = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .set('Content-Type', 'application/json')
      .send('[1]');
    expect(list.status).toBe(400);
    expect(list.body.details).toEqual([{ field: 'body', problem: 'must be a JSON object' }]);
  });

  it('gives the followers import and the webhook a repository to write the same rows', async () => {
    const repository = t.app.get(ContactsRepository);
    const followedAt = new Date('2026-11-10T00:00:00Z');
    await repository.setStatus(accountId, uid(1), 'blocked', new Date('2026-11-09T00:00:00Z'));
    const counts = await repository.upsertFollowers(accountId, [uid(1), uid(6), uid(7001), uid(7001)], followedAt);
    // uid(1) was blocked: following again; uid(6) had no follow time: gets one; uid(7001) is new.
    expect(counts).toEqual({ created: 1, updated: 2 });
    expect(await repository.upsertFollowers(accountId, [uid(1), uid(6)], new Date('2026-11-11T00:00:00Z'))).toEqual({
      created: 0,
      updated: 0,
    });
    expect(await repository.setStatus(accountId, uid(7002), 'following', followedAt)).toEqual({ created: true });
    await repository.setStatus(accountId, uid(7002), 'unfollowed', new Date('2026-11-12T00:00:00Z'));
    await repository.touchInteraction(accountId, uid(7002), new Date('2026-11-13T00:00:00Z'));
    await repository.touchInteraction(accountId, uid(7002), new Date('2026-11-01T00:00:00Z'));
    const contact = await repository.findByLineUserId(accountId, uid(7002));
    expect(contact).toMatchObject({
      status: 'unfollowed',
      followedAt,
      lastInteractionAt: new Date('2026-11-13T00:00:00Z'),
    });
    expect(await repository.findByLineUserId(accountId, uid(1))).toMatchObject({
      status: 'following',
      followedAt,
      displayName: 'Mei',
    });
  });
});
