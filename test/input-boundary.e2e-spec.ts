import { createHmac, randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import { INPUT_LIMITS } from '../apps/api/src/common/input-boundary';
import { bearer, createTestApp, TestApp } from './support/app';

/** The one input boundary: size, depth and media type before validation; text, null and bounds in it. */
describe('input boundary', () => {
  let t: TestApp;
  const countUsers = async () => Number((await t.db.pool.query('SELECT count(*) FROM users')).rows[0].count);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = (path: string) => t.http().post(`/api/v1${path}`).set(bearer(t.adminToken));

  it('refuses a body nested 10,000 deep with 400 before validation reads it, and takes 64 levels', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const refused = await post('/users').set('Content-Type', 'application/json').send(`{"name": ${deep}}`).expect(400);
    expect(refused.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      details: [{ field: 'body', problem: `nested more than ${INPUT_LIMITS.maxJsonDepth} levels deep` }],
    });
    const brackets = INPUT_LIMITS.maxJsonDepth - 1; // the body's own object is the first level
    const atLimit = `{"name": ${'['.repeat(brackets)}${']'.repeat(brackets)}}`;
    const validated = await post('/users').set('Content-Type', 'application/json').send(atLimit).expect(400);
    expect(validated.body.details).toContainEqual({ field: 'name', problem: 'must be text of 1 to 200 characters' });
    // Brackets inside strings are text, not nesting.
    const inText = JSON.stringify({ email: 'a@example.com', name: '['.repeat(150), role: 'marketer' });
    await post('/users').set('Content-Type', 'application/json').send(inText).expect(201);
  });

  it('refuses bytes that are not UTF-8 rather than storing U+FFFD in their place, and creates nothing', async () => {
    const users = await countUsers();
    const body = Buffer.concat([
      Buffer.from('{"email": "latin1@example.com", "name": "Caf'),
      Buffer.from([0xe9]), // "é" in Latin-1: not UTF-8
      Buffer.from('", "role": "marketer"}'),
    ]);
    const refused = await post('/users')
      .set('Content-Type', 'application/json')
      .serialize((bytes: Buffer) => bytes as unknown as string) // the bytes as they are, not JSON of a Buffer
      .send(body)
      .expect(400);
    expect(refused.body).toMatchObject({
      message: 'the request body is not valid UTF-8',
      details: [{ field: 'body', problem: 'holds bytes that are not UTF-8' }],
    });
    expect(await countUsers()).toBe(users);
    const utf8 = JSON.stringify({ email: 'utf8@example.com', name: 'Café 咖啡', role: 'marketer' });
    const created = await post('/users').set('Content-Type', 'application/json').send(utf8).expect(201);
    expect(created.body.user.name).toBe('Café 咖啡');
  });

  it('says a bare JSON value is not an object, instead of calling it malformed', async () => {
    for (const scalar of ['1', '"text"', 'true', 'null']) {
      const refused = await post('/users').set('Content-Type', 'application/json').send(scalar).expect(400);
      expect(refused.body.details).toEqual([{ field: 'body', problem: 'must be a JSON object' }]);
    }
    const malformed = await post('/users').set('Content-Type', 'application/json').send('{"name": ').expect(400);
    expect(malformed.body.details).toEqual([{ field: 'body', problem: 'malformed JSON' }]);
  });

  it('refuses a body over the size limit with 413 naming the limit', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(INPUT_LIMITS.maxJsonBytes) });
    const refused = await post('/users').set('Content-Type', 'application/json').send(big).expect(413);
    expect(refused.body.details).toEqual([
      { field: 'body', problem: `too large (at most ${INPUT_LIMITS.maxJsonBytes} bytes)` },
    ]);
  });

  it('reads gzip, deflate and br bodies, and says which header is at fault for one it cannot read', async () => {
    const users = await countUsers();
    const json = (email: string) => JSON.stringify({ email, name: 'Packed', role: 'marketer' });
    const packers: [string, (text: string) => Buffer][] = [
      ['gzip', (text) => zlib.gzipSync(text)],
      ['deflate', (text) => zlib.deflateSync(text)],
      ['br', (text) => zlib.brotliCompressSync(text)],
    ];
    const send = (headers: Record<string, string>, data: Buffer | string) => {
      let call = post('/users').set('Content-Type', 'application/json');
      for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
      // The bytes as they are (superagent would write a Buffer as JSON of its own).
      return call.serialize((bytes: unknown) => bytes as string).send(data as never);
    };
    for (const [encoding, pack] of packers) {
      await send({ 'Content-Encoding': encoding }, pack(json(`packed-${encoding}@example.com`))).expect(201);
      // Not that encoding at all, and cut short: each a 400 on the body naming the encoding, never a bare one.
      for (const broken of [Buffer.from('this is not compressed'), pack(json('cut@example.com')).subarray(0, 8)]) {
        const refused = await send({ 'Content-Encoding': encoding }, broken);
        expect({ encoding, status: refused.status, details: refused.body.details }).toEqual({
          encoding,
          status: 400,
          details: [{ field: 'body', problem: `is not valid ${encoding} (Content-Encoding: ${encoding})` }],
        });
      }
    }
    const unknownEncoding = await send({ 'Content-Encoding': 'zstd-ish' }, json('x@example.com')).expect(415);
    expect(unknownEncoding.body.details).toEqual([
      { field: 'Content-Encoding', problem: 'must be gzip, deflate, br or identity, not zstd-ish' },
    ]);
    const unknownCharset = await send({ 'Content-Type': 'application/json; charset=latin1' }, json('y@example.com'));
    expect(unknownCharset.status).toBe(415);
    expect(unknownCharset.body.details).toEqual([{ field: 'Content-Type', problem: 'charset must be utf-8' }]);
    expect(await countUsers()).toBe(users + packers.length);
  });

  it('refuses a body of another media type with 415, on creation and on workflow routes alike', async () => {
    const users = await countUsers();
    const form = await post('/users')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('email=a@b.c')
      .expect(415);
    expect(form.body).toMatchObject({
      statusCode: 415,
      details: [{ field: 'Content-Type', problem: 'must be application/json' }],
    });
    await post(`/campaigns/${randomUUID()}/submit`).set('Content-Type', 'text/plain').send('hello').expect(415);
    await post(`/runs/${randomUUID()}/retry`).set('Content-Type', 'text/plain').send('hello').expect(415);
    // The CSV import declares its own type and refuses JSON.
    await t
      .http()
      .post(`/api/v1/line-accounts/${randomUUID()}/contacts/import`)
      .set(bearer(t.adminToken))
      .set('Content-Type', 'application/json')
      .send('{}')
      .expect(415);
    expect(await countUsers()).toBe(users);
  });

  it('lets a route whose body is optional be called with no body and no Content-Type', async () => {
    const response = await t.http().post(`/api/v1/campaigns/${randomUUID()}/submit`).set(bearer(t.adminToken));
    expect(response.status).toBe(404);
  });

  it('refuses U+0000 and lone surrogates in any string with 400 naming the field', async () => {
    const users = await countUsers();
    const cases: [object, string][] = [
      [{ email: 'a@example.com', name: 'Mei\u0000', role: 'marketer' }, 'name'],
      [{ email: 'a\ud800@example.com', name: 'Mei', role: 'marketer' }, 'email'],
      [{ email: 'a@example.com', name: 'x\udc00y', role: 'marketer' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const refused = await post('/users').send(body).expect(400);
      expect(refused.body.details).toEqual([{ field, problem: 'must be valid Unicode text without NUL characters' }]);
    }
    expect(await countUsers()).toBe(users);
    const query = await t.http().get('/api/v1/users?cursor=a%00b').set(bearer(t.adminToken)).expect(400);
    expect(query.body.details).toEqual([
      { field: 'cursor', problem: 'must be valid Unicode text without NUL characters' },
    ]);
    // Free-form bodies too: an attribute key of a bulk contact upsert.
    const account = await createAccount();
    const contacts = await t
      .http()
      .put(`/api/v1/line-accounts/${account}/contacts`)
      .set(bearer(t.adminToken))
      .send({ contacts: [{ lineUserId: `U${'a'.repeat(32)}`, attributes: { 'ci\u0000ty': 'Taipei' } }] })
      .expect(400);
    expect(contacts.body.details).toEqual([
      { field: 'contacts[0].attributes', problem: 'has a key that must be valid Unicode text without NUL characters' },
    ]);
  });

  it('says the same plain sentence, naming the field, for a lone surrogate as for NUL, in the path and the query too', async () => {
    const problem = 'must be valid Unicode text without NUL characters';
    const marketer = await t.createUser('marketer');
    // %ED%A0%80: the bytes of a lone surrogate (U+D800), which no UTF-8 decoder takes.
    for (const [path, field] of [
      ['/users?cursor=a%00b', 'cursor'],
      ['/users?cursor=a%ED%A0%80b', 'cursor'],
      ['/users?limit=10&cursor=%ED%A0', 'cursor'],
      ['/users?%ED%A0%80=1', 'query'],
    ]) {
      const refused = await t.http().get(`/api/v1${path}`).set(bearer(t.adminToken)).expect(400);
      const said = field === 'query' ? `has a key that ${problem}` : problem;
      expect(refused.body).toMatchObject({ message: `${field}: ${said}`, details: [{ field, problem: said }] });
    }
    for (const id of ['%00', '%ED%A0%80']) {
      const refused = await t
        .http()
        .patch(`/api/v1/users/${id}`)
        .set(bearer(t.adminToken))
        .send({ version: 1, name: 'x' })
        .expect(400);
      expect(refused.body).toMatchObject({ message: `id: ${problem}`, details: [{ field: 'id', problem }] });
    }
    // Sent as JSON escapes, so the body's bytes are valid UTF-8 and only the decoded text is at fault.
    for (const name of ['Mei\\u0000', 'Mei\\ud800']) {
      const refused = await t
        .http()
        .patch(`/api/v1/users/${marketer.id}`)
        .set(bearer(t.adminToken))
        .set('Content-Type', 'application/json')
        .send(`{"version": 1, "name": "${name}"}`)
        .expect(400);
      expect(refused.body).toMatchObject({ message: `name: ${problem}`, details: [{ field: 'name', problem }] });
    }
  });

  it('refuses null where the contract does not allow it, and clears a nullable field with it', async () => {
    const marketer = await t.createUser('marketer');
    const refused = await t
      .http()
      .patch(`/api/v1/users/${marketer.id}`)
      .set(bearer(t.adminToken))
      .send({ version: 1, name: null })
      .expect(400);
    expect(refused.body.details).toEqual([{ field: 'name', problem: 'must not be null' }]);
    const account = await createAccount({ apiBaseUrl: 'http://127.0.0.1:9/' });
    const patch = (body: object) =>
      t.http().patch(`/api/v1/line-accounts/${account}`).set(bearer(t.adminToken)).send(body);
    expect((await patch({ version: 1, name: null }).expect(400)).body.details).toEqual([
      { field: 'name', problem: 'must not be null' },
    ]);
    expect((await patch({ version: 1, apiBaseUrl: null }).expect(200)).body.apiBaseUrl).toBeNull();
  });

  it('bounds integers by their column and says so once, in plain words', async () => {
    const marketer = await t.createUser('marketer');
    const plain = 'must be a whole number from 1 to 2,147,483,647';
    for (const version of [2147483648, 1e21, 0, 1.5, 'x', -1]) {
      const refused = await t
        .http()
        .patch(`/api/v1/users/${marketer.id}`)
        .set(bearer(t.adminToken))
        .send({ version, name: 'New' })
        .expect(400);
      expect(refused.body.details).toEqual([{ field: 'version', problem: plain }]);
      expect(refused.body.message).toBe(`version: ${plain}`);
    }
    const missing = await t.http().patch(`/api/v1/users/${marketer.id}`).set(bearer(t.adminToken)).send({}).expect(400);
    expect(missing.body.details).toEqual([{ field: 'version', problem: 'is required' }]);
  });

  it('refuses a hand-made pagination cursor with 400 on every keyset-paged list', async () => {
    const account = await createAccount();
    const handMade = [
      [new Date().toISOString(), '-'.repeat(36)],
      ['+275760-09-13T00:00:00.000Z', randomUUID()],
      ['0000-01-01T00:00:00.000Z', randomUUID()],
      ['2026-11-23T10:00:00+08:00', randomUUID()],
      [new Date().toISOString(), randomUUID(), 'extra'],
      [`U${'0'.repeat(31)}\u0000`],
    ].map((key) => Buffer.from(JSON.stringify(key)).toString('base64url'));
    const audience = await post('/audiences')
      .send({ lineAccountId: account, name: 'Cursor', definition: { tag: 'vip' } })
      .expect(201);
    const campaign = await post('/campaigns')
      .send({
        lineAccountId: account,
        audienceId: audience.body.id,
        name: 'Cursor',
        messages: [{ type: 'text', text: 'hi' }],
      })
      .expect(201);
    const lists = [
      '/users',
      '/line-accounts',
      '/audiences',
      '/campaigns',
      `/campaigns/${campaign.body.id}/runs`,
      `/line-accounts/${account}/contacts`,
    ];
    const failures: string[] = [];
    for (const list of lists)
      for (const cursor of handMade) {
        const response = await t.http().get(`/api/v1${list}?cursor=${cursor}`).set(bearer(t.adminToken));
        const named = response.body.details?.[0]?.field === 'cursor';
        if (response.status !== 400 || !named) failures.push(`${list} ${cursor}: ${response.status}`);
      }
    expect(failures).toEqual([]);
  });

  it('takes dates and months from 1970-01-01 to 9999-12-31 only, and reads the usage of 9999-12', async () => {
    const account = await createAccount({ timezone: 'Pacific/Honolulu' });
    const forecast = (sendAt: string) =>
      post('/forecasts').send({ lineAccountId: account, recipients: 10, messageObjects: 1, sendAt });
    for (const sendAt of ['0000-01-01T00:00:00Z', '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z'])
      expect((await forecast(sendAt).expect(400)).body.details).toEqual([
        { field: 'sendAt', problem: expect.stringContaining('between 1970-01-01T00:00:00Z and 9999-12-31') },
      ]);
    // The last send is 9999-12-31T09:59:59.999Z, still 9999-12 in every zone (later is 10000-01 in Taipei).
    await forecast('9999-12-31T09:59:59.999Z').expect(200);
    expect(
      (await forecast('9999-12-31T23:59:59Z').expect(400)).body.details.map((d: { field: string }) => d.field),
    ).toEqual(['sendAt']);
    const usage = (month: string) =>
      t.http().get(`/api/v1/line-accounts/${account}/usage?month=${month}`).set(bearer(t.adminToken));
    expect((await usage('9999-12').expect(200)).body.month).toBe('9999-12');
    for (const month of ['0000-01', '1969-12', '10000-01'])
      expect((await usage(month).expect(400)).body.details).toEqual([
        { field: 'month', problem: 'must be a month from 1970-01 to 9999-12, such as 2026-11' },
      ]);
  });

  it('takes rate cards with money as decimal strings and counts an int4 holds', async () => {
    const card = {
      region: 'TW',
      plan: 'boundary',
      currency: 'TWD',
      monthlyFee: '100',
      freeMessages: 100,
      additionalAllowed: true,
      tiers: [{ upTo: null, unitPrice: '0.2' }],
      effectiveFrom: '2026-01-01',
      source: 'input boundary test',
      verified: false,
    };
    const cards = async () => Number((await t.db.pool.query('SELECT count(*) FROM rate_cards')).rows[0].count);
    const before = await cards();
    const refusals: [object, string][] = [
      [{ freeMessages: 2147483648 }, 'freeMessages'],
      [{ freeMessages: 1e21 }, 'freeMessages'],
      [{ monthlyFee: 100 }, 'monthlyFee'],
      [{ tiers: [{ upTo: null, unitPrice: 0.2 }] }, 'tiers[0].unitPrice'],
      [{ effectiveFrom: '0000-01-01' }, 'effectiveFrom'],
      [{ source: 'a\u0000b' }, 'source'],
      [{ region: null }, 'region'],
    ];
    for (const [change, field] of refusals) {
      const refused = await post('/rate-cards').send({ ...card, ...change });
      expect([refused.status, refused.body.details?.[0]?.field]).toEqual([400, field]);
    }
    expect(await cards()).toBe(before);
    await post('/rate-cards').send(card).expect(201);
  });

  it('refuses a correctly signed webhook delivery with an unusable event with 400, writing nothing', async () => {
    const account = await createAccount();
    const events = async () => Number((await t.db.pool.query('SELECT count(*) FROM webhook_events')).rows[0].count);
    const deliver = (event: object) => {
      const body = JSON.stringify({
        destination: 'U0',
        events: [
          {
            type: 'follow',
            timestamp: Date.now(),
            webhookEventId: `good-${randomUUID()}`,
            source: { type: 'user', userId: `U${'c'.repeat(32)}` },
          },
          { type: 'follow', timestamp: Date.now(), source: { type: 'user', userId: `U${'d'.repeat(32)}` }, ...event },
        ],
      });
      return t
        .http()
        .post(`/api/v1/webhooks/line/${account}`)
        .set('Content-Type', 'application/json')
        .set('x-line-signature', createHmac('sha256', 'secret').update(body).digest('base64'))
        .send(body);
    };
    for (const [event, field] of [
      [{ webhookEventId: 'a\u0000b' }, 'events[1].webhookEventId'],
      [{ webhookEventId: 'x\ud800' }, 'events[1].webhookEventId'],
      [{ webhookEventId: 'ok-1', timestamp: 1e308 }, 'events[1].timestamp'],
      [{ webhookEventId: 'ok-2', timestamp: -1 }, 'events[1].timestamp'],
    ] as const) {
      const refused = await deliver(event).expect(400);
      expect(refused.body.details).toEqual([{ field, problem: expect.any(String) }]);
    }
    expect(await events()).toBe(0);
    expect((await deliver({ webhookEventId: 'ok-3' }).expect(200)).body).toEqual({
      received: 2,
      applied: 2,
      duplicates: 0,
    });
  });

  it('keeps keys named like Object members in free-form values, and refuses them where they are no field (never dropped)', async () => {
    const account = await createAccount();
    // Raw JSON, as a client sends it: "__proto__" is an own key then.
    const send = (path: string, json: string) => post(path).set('Content-Type', 'application/json').send(json);
    const audience = `"lineAccountId": "${account}", "name": "VIPs"`;
    for (const [key, value] of [
      ['constructor', '"x"'],
      ['__proto__', '{"admin": true}'],
      ['toString', '1'],
      ['hasOwnProperty', 'true'],
    ]) {
      const onDto = await send('/audiences', `{${audience}, "definition": {"tag": "vip"}, "${key}": ${value}}`).expect(
        400,
      );
      expect(onDto.body.details).toEqual([{ field: key, problem: 'is not a field of this request' }]);
      // In a rule tree the domain's validator sees the key, like any other, and names it.
      const inRule = await send(
        '/audiences',
        `{${audience}, "definition": {"all": [{"tag": "vip", "${key}": ${value}}]}}`,
      );
      expect(inRule.status).toBe(400);
      expect(inRule.body.details).toEqual([
        { field: `definition.all[0].${key}`, problem: 'is not allowed in a "tag" rule' },
      ]);
    }
    const audienceId = (await send('/audiences', `{${audience}, "definition": {"tag": "vip"}}`).expect(201)).body.id;
    // In messages they are kept, as any other key of a message object is.
    const campaign = await send(
      '/campaigns',
      `{"lineAccountId": "${account}", "audienceId": "${audienceId}", "name": "Keys",
        "messages": [{"type": "text", "text": "hi", "constructor": "c", "toString": "t", "hasOwnProperty": "h"}]}`,
    ).expect(201);
    expect(campaign.body.messages).toEqual([
      { type: 'text', text: 'hi', constructor: 'c', toString: 't', hasOwnProperty: 'h' },
    ]);
  });

  let accounts = 0;
  async function createAccount(extra: object = {}): Promise<string> {
    const response = await post('/line-accounts')
      .send({
        name: 'Boundary',
        channelId: String(1_000_000 + ++accounts),
        channelAccessToken: 'token',
        channelSecret: 'secret',
        plan: 'high',
        monthlyBudget: '500',
        ...extra,
      })
      .expect(201);
    return response.body.id as string;
  }
});
