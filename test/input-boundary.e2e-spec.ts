import { randomUUID } from 'node:crypto';
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

  it('refuses a body over the size limit with 413 naming the limit', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(INPUT_LIMITS.maxJsonBytes) });
    const refused = await post('/users').set('Content-Type', 'application/json').send(big).expect(413);
    expect(refused.body.details).toEqual([
      { field: 'body', problem: `too large (at most ${INPUT_LIMITS.maxJsonBytes} bytes)` },
    ]);
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
