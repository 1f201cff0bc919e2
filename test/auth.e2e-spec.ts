import { bearer, createTestApp, TestApp } from './support/app';

describe('auth, roles and the error shape', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers 401 in the API error shape without a token, and with an unknown one', async () => {
    const none = await t.http().get('/api/v1/me').expect(401);
    expect(none.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.stringContaining('Bearer'),
      details: [],
    });
    await t.http().get('/api/v1/me').set(bearer('lcm_not-a-real-token')).expect(401);
    await t.http().get('/api/v1/me').set('Authorization', 'Basic abc').expect(401);
  });

  it('lets the bootstrapped admin see themselves', async () => {
    const me = await t.http().get('/api/v1/me').set(bearer(t.adminToken)).expect(200);
    expect(me.body).toMatchObject({ email: 'admin@localhost', role: 'admin', active: true });
  });

  it('answers 403 when a marketer calls an admin route', async () => {
    const marketer = await t.createUser('marketer');
    const response = await t.http().get('/api/v1/users').set(bearer(marketer.token)).expect(403);
    expect(response.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: expect.stringContaining('admin'),
      details: [],
    });
  });

  it('answers 400 naming the field for unknown and malformed fields, and writes nothing', async () => {
    const unknown = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(t.adminToken))
      .send({ email: 'x@example.com', name: 'X', role: 'admin', isRoot: true })
      .expect(400);
    expect(unknown.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(unknown.body.details).toEqual([{ field: 'isRoot', problem: 'is not a field of this request' }]);

    const malformed = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(t.adminToken))
      .send({ email: 'not-an-email', name: '', role: 'owner' })
      .expect(400);
    expect(malformed.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['email', 'name', 'role']);

    const badJson = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(t.adminToken))
      .set('Content-Type', 'application/json')
      .send('{"email": ')
      .expect(400);
    expect(badJson.body).toMatchObject({ statusCode: 400, details: [{ field: 'body', problem: 'malformed JSON' }] });

    const badId = await t.http().patch('/api/v1/users/123').set(bearer(t.adminToken)).send({ version: 1 }).expect(400);
    expect(badId.body.details).toEqual([{ field: 'id', problem: 'must be a UUID' }]);

    const list = await t.http().get('/api/v1/users?limit=500').set(bearer(t.adminToken)).expect(200);
    expect(list.body.items.map((u: { email: string }) => u.email)).not.toContain('x@example.com');
  });

  it('creates users with a token shown once, and refuses a duplicate email with 409', async () => {
    const created = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(t.adminToken))
      .send({ email: 'Ann@Example.com', name: 'Ann', role: 'approver' })
      .expect(201);
    expect(created.body.user).toMatchObject({ email: 'ann@example.com', role: 'approver', version: 1 });
    expect(created.body.token).toMatch(/^lcm_/);
    await t.http().get('/api/v1/me').set(bearer(created.body.token)).expect(200);
    const again = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(t.adminToken))
      .send({ email: 'ann@example.com', name: 'Ann 2', role: 'approver' })
      .expect(409);
    expect(again.body.details).toEqual([{ field: 'email', problem: 'already taken' }]);
  });

  it("stops a deactivated user's token at once, and a rotated token at once", async () => {
    const user = await t.createUser('marketer');
    await t.http().get('/api/v1/me').set(bearer(user.token)).expect(200);

    const rotated = await t.http().post(`/api/v1/users/${user.id}/tokens`).set(bearer(user.token)).expect(201);
    await t.http().get('/api/v1/me').set(bearer(user.token)).expect(401);
    await t.http().get('/api/v1/me').set(bearer(rotated.body.token)).expect(200);

    await t
      .http()
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(t.adminToken))
      .send({ version: 1, active: false })
      .expect(200);
    await t.http().get('/api/v1/me').set(bearer(rotated.body.token)).expect(401);
  });

  it('refuses a stale version with 409 and audits the change', async () => {
    const user = await t.createUser('marketer');
    await t
      .http()
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(t.adminToken))
      .send({ version: 1, role: 'approver' })
      .expect(200);
    const stale = await t
      .http()
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(t.adminToken))
      .send({ version: 1, role: 'admin' })
      .expect(409);
    expect(stale.body.details).toEqual([
      { field: 'version', problem: expect.stringContaining('current version is 2') },
    ]);
    const { rows } = await t.db.pool.query(
      `SELECT action, before->>'role' AS before, after->>'role' AS after FROM audit_events WHERE entity_id = $1 ORDER BY created_at`,
      [user.id],
    );
    expect(rows).toEqual([
      { action: 'user.created', before: null, after: 'marketer' },
      { action: 'user.updated', before: 'marketer', after: 'approver' },
    ]);
  });

  it('keeps at least one active admin', async () => {
    const me = await t.http().get('/api/v1/me').set(bearer(t.adminToken)).expect(200);
    const response = await t
      .http()
      .patch(`/api/v1/users/${me.body.id}`)
      .set(bearer(t.adminToken))
      .send({ version: me.body.version, role: 'marketer' })
      .expect(409);
    expect(response.body.message).toContain('at least one active admin');
  });

  it('stores only a hash of each token', async () => {
    const user = await t.createUser('approver');
    const { rows } = await t.db.pool.query('SELECT token_hash FROM api_tokens WHERE user_id = $1', [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].token_hash).not.toContain(user.token);
  });

  it('pages users with a cursor', async () => {
    for (let i = 0; i < 3; i++) await t.createUser('marketer');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await t
        .http()
        .get(`/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(bearer(t.adminToken))
        .expect(200);
      seen.push(...page.body.items.map((u) => u.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const { rows } = await t.db.pool.query('SELECT id FROM users');
    expect(seen.sort()).toEqual(rows.map((r: { id: string }) => r.id).sort());
    await t.http().get('/api/v1/users?cursor=garbage').set(bearer(t.adminToken)).expect(400);
  });

  it('serves /health without a token and checks the database', async () => {
    const health = await t.http().get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });
});
