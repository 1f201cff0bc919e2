import { PasswordHasher } from '../apps/api/src/auth/password-hasher';
import { Clock } from '../apps/api/src/common/clock';
import { bearer, createTestApp, TestApp } from './support/app';

/** People signing in to the console: sessions, cookies, CSRF, invites, throttling. Bearer tokens unchanged. */
const PASSWORD = 'correct horse battery staple';
let addressCounter = 0;
/** Each test signs in from its own client address (X-Forwarded-For from loopback is believed by default). */
const newAddress = () => `198.51.100.${++addressCounter}`;

interface Browser {
  cookie: string;
  csrfToken: string;
  user: { id: string; email: string; name: string; role: string };
}

describe('signing in (people, not scripts)', () => {
  let t: TestApp;
  let clock: Clock;
  beforeAll(async () => {
    t = await createTestApp();
    clock = t.app.get(Clock);
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const createPerson = async (role: 'admin' | 'marketer' | 'approver', password: string | null = PASSWORD) => {
    const email = `${role}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const created = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(t.adminToken))
      .send({ email, name: `Person ${role}`, role, ...(password ? { password } : {}) })
      .expect(201);
    return { id: created.body.user.id as string, email, token: created.body.token as string };
  };

  const login = (email: string, password: string, address = newAddress()) =>
    t.http().post('/api/v1/auth/login').set('X-Forwarded-For', address).send({ email, password });

  const signIn = async (email: string, password = PASSWORD): Promise<Browser> => {
    const response = await login(email, password).expect(200);
    return { cookie: sessionCookie(response.headers['set-cookie']), ...response.body };
  };

  const useClock = (start: Date) => {
    let now = start;
    jest.spyOn(clock, 'now').mockImplementation(() => now);
    return (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));
  };

  it('signs in with email and password, sets a strict httpOnly cookie, and signs out on the server', async () => {
    const person = await createPerson('marketer');
    const response = await login(person.email.toUpperCase(), PASSWORD).expect(200);
    expect(response.body).toEqual({
      user: { id: person.id, email: person.email, name: 'Person marketer', role: 'marketer' },
      csrfToken: expect.stringMatching(/^[\w-]{43}$/),
    });
    const [setCookie] = response.headers['set-cookie'] as unknown as string[];
    expect(setCookie).toMatch(/^lcm_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/); // no Secure over plain HTTP
    const cookie = sessionCookie(response.headers['set-cookie']);

    const session = await t.http().get('/api/v1/auth/session').set('Cookie', cookie).expect(200);
    expect(session.body).toEqual(response.body);
    const me = await t.http().get('/api/v1/me').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ id: person.id, hasPassword: true });

    const { rows } = await t.db.pool.query('SELECT token_hash FROM sessions WHERE user_id = $1', [person.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cookie).not.toContain(rows[0].token_hash);

    const out = await t
      .http()
      .post('/api/v1/auth/logout')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', response.body.csrfToken)
      .expect(204);
    expect(out.headers['set-cookie']).toEqual([
      expect.stringMatching(/^lcm_session=; Path=\/; Expires=Thu, 01 Jan 1970/),
    ]);
    await t.http().get('/api/v1/auth/session').set('Cookie', cookie).expect(401);
    const gone = await t.http().get('/api/v1/me').set('Cookie', cookie).expect(401);
    expect(gone.body.message).toContain('session has ended');
    expect((await t.db.pool.query('SELECT 1 FROM sessions WHERE user_id = $1', [person.id])).rowCount).toBe(0);
  });

  it('writes sign-ins, failed sign-ins and sign-outs to the audit log with the address, never the password', async () => {
    const person = await createPerson('marketer');
    await login(person.email, `${PASSWORD}?`, '198.51.100.7').expect(401);
    const response = await login(person.email, PASSWORD, '198.51.100.8').expect(200);
    await t
      .http()
      .post('/api/v1/auth/logout')
      .set('Cookie', sessionCookie(response.headers['set-cookie']))
      .set('X-CSRF-Token', response.body.csrfToken)
      .expect(204);
    const log = await t
      .http()
      .get(`/api/v1/audit?entityType=user&entityId=${person.id}`)
      .set(bearer(t.adminToken))
      .expect(200);
    const entries = (log.body.items as { action: string; actor: { id: string } | null; after: unknown }[])
      .filter((entry) => entry.action !== 'user.created')
      .map((entry) => ({ action: entry.action, actor: entry.actor?.id ?? null, after: entry.after }))
      .reverse(); // the log is newest first; these read in the order they happened
    expect(entries).toEqual([
      { action: 'user.sign_in_failed', actor: null, after: { address: '198.51.100.7' } },
      { action: 'user.signed_in', actor: person.id, after: { address: '198.51.100.8' } },
      { action: 'user.signed_out', actor: person.id, after: { address: expect.any(String) } },
    ]);
    expect(JSON.stringify(log.body)).not.toContain(PASSWORD);
  });

  it('marks the cookie Secure when a trusted proxy says the request came over HTTPS', async () => {
    const person = await createPerson('approver');
    const response = await login(person.email, PASSWORD).set('X-Forwarded-Proto', 'https').expect(200);
    expect(response.headers['set-cookie']).toEqual([
      expect.stringMatching(/; Path=\/; HttpOnly; Secure; SameSite=Strict$/),
    ]);
  });

  it('gives the same 401 for an unknown email, a wrong password, no password yet and a deactivated user', async () => {
    const person = await createPerson('marketer');
    const noPassword = await createPerson('marketer', null);
    const deactivated = await createPerson('approver');
    await t
      .http()
      .patch(`/api/v1/users/${deactivated.id}`)
      .set(bearer(t.adminToken))
      .send({ version: 1, active: false })
      .expect(200);
    const answers = [
      await login('nobody@example.com', PASSWORD).expect(401),
      await login(person.email, `${PASSWORD}!`).expect(401),
      await login(noPassword.email, PASSWORD).expect(401),
      await login(deactivated.email, PASSWORD).expect(401),
    ];
    for (const answer of answers) {
      expect(answer.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'wrong email or password',
        details: [],
      });
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
    const bad = await login('', '').expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['email', 'password']);
  });

  it('refuses a cookie-authenticated write without the CSRF token, with a wrong one, and from a foreign Origin', async () => {
    const admin = await createPerson('admin');
    const browser = await signIn(admin.email);
    const write = () =>
      t
        .http()
        .post('/api/v1/users')
        .set('Cookie', browser.cookie)
        .send({ email: `csrf-${Date.now()}-${Math.random()}@example.com`, name: 'C', role: 'marketer' });

    const missing = await write().expect(403);
    expect(missing.body.message).toContain('X-CSRF-Token');
    await write().set('X-CSRF-Token', 'x'.repeat(43)).expect(403);
    const foreign = await write()
      .set('X-CSRF-Token', browser.csrfToken)
      .set('Origin', 'https://evil.example')
      .expect(403);
    expect(foreign.body.message).toContain('https://evil.example');
    await write()
      .set('X-CSRF-Token', browser.csrfToken)
      .set('Host', 'console.example:8080')
      .set('Origin', 'http://console.example:8080')
      .expect(201);
    await write()
      .set('X-CSRF-Token', browser.csrfToken)
      .set('Host', 'console.example:8080')
      .set('Origin', 'https://console.example:8080') // same host, other scheme: another origin
      .expect(403);
    await write().set('X-CSRF-Token', browser.csrfToken).expect(201);
    await t.http().get('/api/v1/users').set('Cookie', browser.cookie).expect(200); // reads need no token

    // Sign-in itself only counts from the service's own pages.
    await login(admin.email, PASSWORD).set('Origin', 'https://evil.example').expect(403);
  });

  it('keeps Bearer tokens exactly as they were: no CSRF token, any Origin, and the header alone decides', async () => {
    const admin = await createPerson('admin');
    const browser = await signIn(admin.email);
    await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin.token))
      .set('Origin', 'https://scripts.example')
      .send({ email: `bearer-${Date.now()}@example.com`, name: 'B', role: 'marketer' })
      .expect(201);
    await t.http().get('/api/v1/me').set(bearer('lcm_wrong')).set('Cookie', browser.cookie).expect(401);
    // A Bearer request has no browser session to show or end.
    await t.http().get('/api/v1/auth/session').set(bearer(admin.token)).expect(401);
    await t.http().post('/api/v1/auth/logout').set(bearer(admin.token)).expect(204);
    await t.http().get('/api/v1/me').set('Cookie', browser.cookie).expect(200);
  });

  it('ends a session idle longer than SESSION_IDLE_MINUTES (30), and keeps a used one alive', async () => {
    const person = await createPerson('marketer');
    const advance = useClock(new Date('2030-05-01T09:00:00Z'));
    const browser = await signIn(person.email);
    advance(29);
    await t.http().get('/api/v1/me').set('Cookie', browser.cookie).expect(200);
    advance(29); // 58 minutes after sign-in, 29 after its last use
    await t.http().get('/api/v1/me').set('Cookie', browser.cookie).expect(200);
    advance(31);
    const idle = await t.http().get('/api/v1/me').set('Cookie', browser.cookie).expect(401);
    expect(idle.body.message).toContain('idle');
  });

  it('ends a session SESSION_MAX_HOURS (12) after sign-in, however busy', async () => {
    const person = await createPerson('marketer');
    const advance = useClock(new Date('2030-05-02T09:00:00Z'));
    const browser = await signIn(person.email);
    for (let i = 0; i < 25; i++) {
      advance(28);
      await t.http().get('/api/v1/me').set('Cookie', browser.cookie).expect(200);
    } // 11 h 40 min
    advance(28);
    await t.http().get('/api/v1/me').set('Cookie', browser.cookie).expect(401);
  });

  it("ends a user's sessions when they are deactivated", async () => {
    const person = await createPerson('approver');
    const browser = await signIn(person.email);
    await t.http().get('/api/v1/me').set('Cookie', browser.cookie).expect(200);
    await t
      .http()
      .patch(`/api/v1/users/${person.id}`)
      .set(bearer(t.adminToken))
      .send({ version: 1, active: false })
      .expect(200);
    await t.http().get('/api/v1/me').set('Cookie', browser.cookie).expect(401);
    expect((await t.db.pool.query('SELECT 1 FROM sessions WHERE user_id = $1', [person.id])).rowCount).toBe(0);
    // Reactivated, the old cookie stays dead: the session was deleted, not just hidden.
    await t
      .http()
      .patch(`/api/v1/users/${person.id}`)
      .set(bearer(t.adminToken))
      .send({ version: 2, active: true })
      .expect(200);
    await t.http().get('/api/v1/me').set('Cookie', browser.cookie).expect(401);
  });

  it('changes a password: the current one is needed, the other sessions end, this one and the token keep working', async () => {
    const person = await createPerson('marketer');
    const laptop = await signIn(person.email);
    const phone = await signIn(person.email);
    const change = (body: object) =>
      t.http().put('/api/v1/me/password').set('Cookie', laptop.cookie).set('X-CSRF-Token', laptop.csrfToken).send(body);

    const wrong = await change({ currentPassword: 'not my password', newPassword: 'a brand new password' }).expect(400);
    expect(wrong.body.details).toEqual([{ field: 'currentPassword', problem: 'is not your current password' }]);
    const missing = await change({ newPassword: 'a brand new password' }).expect(400);
    expect(missing.body.details).toEqual([{ field: 'currentPassword', problem: expect.stringContaining('required') }]);
    const short = await change({ currentPassword: PASSWORD, newPassword: 'too short' }).expect(400);
    expect(short.body.details).toEqual([{ field: 'newPassword', problem: expect.stringContaining('12') }]);
    await t.http().get('/api/v1/me').set('Cookie', phone.cookie).expect(200); // nothing changed yet

    await change({ currentPassword: PASSWORD, newPassword: 'a brand new password' }).expect(204);
    await t.http().get('/api/v1/me').set('Cookie', phone.cookie).expect(401);
    await t.http().get('/api/v1/me').set('Cookie', laptop.cookie).expect(200);
    await t.http().get('/api/v1/me').set(bearer(person.token)).expect(200);
    await login(person.email, PASSWORD).expect(401);
    await login(person.email, 'a brand new password').expect(200);

    // With a Bearer token every session ends; a user without a password sets one without a current one.
    const scripted = await createPerson('approver', null);
    await t
      .http()
      .put('/api/v1/me/password')
      .set(bearer(scripted.token))
      .send({ newPassword: 'first password ever' })
      .expect(204);
    await login(scripted.email, 'first password ever').expect(200);
  });

  /** Runs `meanwhile` once, after the next password check passes and before its request goes on. */
  const afterNextPasswordCheck = (meanwhile: () => Promise<unknown>) => {
    const hasher = t.app.get(PasswordHasher);
    const verify = hasher.verify.bind(hasher);
    jest.spyOn(hasher, 'verify').mockImplementationOnce(async (password, stored) => {
      const valid = await verify(password, stored);
      await meanwhile();
      return valid;
    });
  };

  it('starts no session for a sign-in whose password was changed, or whose user was deactivated, while it was checked', async () => {
    // The old password is checked (a scrypt, about 0.1 s) while the owner changes it: that sign-in
    // must not end with a session of the old password that outlives the change.
    const person = await createPerson('marketer');
    afterNextPasswordCheck(() =>
      t
        .http()
        .put('/api/v1/me/password')
        .set(bearer(person.token))
        .send({ currentPassword: PASSWORD, newPassword: 'a brand new password' })
        .expect(204),
    );
    await login(person.email, PASSWORD).expect(401);
    expect((await t.db.pool.query('SELECT 1 FROM sessions WHERE user_id = $1', [person.id])).rowCount).toBe(0);
    await login(person.email, 'a brand new password').expect(200);

    // Deactivated meanwhile: no session, so none comes back to life when they are reactivated.
    const other = await createPerson('approver');
    afterNextPasswordCheck(() =>
      t
        .http()
        .patch(`/api/v1/users/${other.id}`)
        .set(bearer(t.adminToken))
        .send({ version: 1, active: false })
        .expect(200),
    );
    await login(other.email, PASSWORD).expect(401);
    expect((await t.db.pool.query('SELECT 1 FROM sessions WHERE user_id = $1', [other.id])).rowCount).toBe(0);
  });

  it('of two password changes proving the same current password at once, takes one: the other must prove the new one', async () => {
    const person = await createPerson('marketer');
    const laptop = await signIn(person.email);
    const phone = await signIn(person.email);
    const change = (browser: Browser, newPassword: string) =>
      t
        .http()
        .put('/api/v1/me/password')
        .set('Cookie', browser.cookie)
        .set('X-CSRF-Token', browser.csrfToken)
        .send({ currentPassword: PASSWORD, newPassword });
    // The phone's change commits while the laptop's has checked the old password and not yet saved.
    afterNextPasswordCheck(() => change(phone, 'the phone password').expect(204));
    const late = await change(laptop, 'the laptop password').expect(400);
    expect(late.body.details).toEqual([
      { field: 'currentPassword', problem: 'is not your current password (it was changed meanwhile)' },
    ]);
    await login(person.email, 'the laptop password').expect(401);
    await login(person.email, 'the phone password').expect(200);
    await t.http().get('/api/v1/me').set('Cookie', laptop.cookie).expect(401); // the phone's change ended it
  });

  it('throttles guesses at the current password like sign-ins', async () => {
    const person = await createPerson('marketer');
    useClock(new Date('2030-06-04T10:00:00Z'));
    const browser = await signIn(person.email);
    const change = (currentPassword: string) =>
      t
        .http()
        .put('/api/v1/me/password')
        .set('Cookie', browser.cookie)
        .set('X-CSRF-Token', browser.csrfToken)
        .send({ currentPassword, newPassword: 'a brand new password' });
    for (let i = 0; i < 5; i++) await change(`guess number ${i}`).expect(400);
    const refused = await change(PASSWORD).expect(429);
    expect(refused.headers['retry-after']).toBe('1');
    await login(person.email, PASSWORD).expect(429); // the same count as signing in
  });

  it('refuses a password shorter than 12 characters when creating a user', async () => {
    const response = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(t.adminToken))
      .send({ email: `short-${Date.now()}@example.com`, name: 'S', role: 'marketer', password: 'elevenchars' })
      .expect(400);
    expect(response.body.details).toEqual([{ field: 'password', problem: expect.stringContaining('12') }]);
  });

  it('lets an admin invite a user by a one-time link that signs them in, and refuses it the second time', async () => {
    const person = await createPerson('marketer', null);
    const marketer = await createPerson('marketer');
    await t.http().post(`/api/v1/users/${person.id}/invites`).set(bearer(marketer.token)).expect(403);
    const invite = await t.http().post(`/api/v1/users/${person.id}/invites`).set(bearer(t.adminToken)).expect(201);
    expect(invite.body).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/invite\/[\w-]{43}$/),
      expiresAt: expect.any(String),
    });
    const hours = (Date.parse(invite.body.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);
    const token = invite.body.url.split('/invite/')[1];
    const accept = (password: string) => t.http().post(`/api/v1/auth/invites/${token}/accept`).send({ password });

    await accept('short').expect(400);
    const accepted = await accept('my own good password').expect(200);
    expect(accepted.body.user).toEqual({
      id: person.id,
      email: person.email,
      name: 'Person marketer',
      role: 'marketer',
    });
    const cookie = sessionCookie(accepted.headers['set-cookie']);
    await t.http().get('/api/v1/me').set('Cookie', cookie).expect(200);
    const again = await accept('another password here').expect(410);
    expect(again.body.message).toContain('used already');
    await login(person.email, 'my own good password').expect(200);
    await login(person.email, 'another password here').expect(401);
    await t
      .http()
      .post('/api/v1/auth/invites/not-a-real-token/accept')
      .send({ password: 'whatever password' })
      .expect(404);
    const { rows } = await t.db.pool.query('SELECT token_hash FROM user_invites WHERE user_id = $1', [person.id]);
    expect(rows.map((r: { token_hash: string }) => r.token_hash)).not.toContain(token);
  });

  it('lets only the newest invite link work, and none after it expires', async () => {
    const person = await createPerson('approver', null);
    const first = await t.http().post(`/api/v1/users/${person.id}/invites`).set(bearer(t.adminToken)).expect(201);
    const advance = useClock(new Date());
    const second = await t.http().post(`/api/v1/users/${person.id}/invites`).set(bearer(t.adminToken)).expect(201);
    const tokenOf = (url: string) => url.split('/invite/')[1];
    await t
      .http()
      .post(`/api/v1/auth/invites/${tokenOf(first.body.url)}/accept`)
      .send({ password: 'a good long password' })
      .expect(404);
    advance(72 * 60 + 1);
    const expired = await t
      .http()
      .post(`/api/v1/auth/invites/${tokenOf(second.body.url)}/accept`)
      .send({ password: 'a good long password' })
      .expect(410);
    expect(expired.body.message).toContain('expired');
    await login(person.email, 'a good long password').expect(401);
  });

  it('slows, then refuses, repeated failures for one email (429 with Retry-After), from any address', async () => {
    const person = await createPerson('marketer');
    const advance = useClock(new Date('2030-06-01T10:00:00Z'));
    for (let i = 0; i < 5; i++) await login(person.email, 'wrong password!', newAddress()).expect(401);
    const refused = await login(person.email, PASSWORD, newAddress()).expect(429); // even the right password waits
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toMatchObject({ statusCode: 429, retryAfterSeconds: 1, details: [] });
    advance(1 / 60);
    await login(person.email, 'wrong password!').expect(401); // the 6th failure: the next waits 2 s
    expect((await login(person.email, PASSWORD).expect(429)).headers['retry-after']).toBe('2');
    advance(2 / 60);
    await login(person.email, PASSWORD).expect(200); // a success clears the email's count
    await login(person.email, 'wrong password!').expect(401);
  });

  it('counts parallel guesses at one email in PostgreSQL: only the allowance gets to try', async () => {
    const person = await createPerson('approver');
    useClock(new Date('2030-06-02T10:00:00Z'));
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => login(person.email, 'parallel guess', newAddress())),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
  });

  it('refuses an address after 20 failures (any emails), while other addresses still sign in', async () => {
    const person = await createPerson('marketer');
    useClock(new Date('2030-06-03T10:00:00Z'));
    const address = newAddress();
    for (let i = 0; i < 20; i++) await login(`guess-${i}@example.com`, 'wrong password!', address).expect(401);
    const refused = await login(person.email, PASSWORD, address).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await login(person.email, PASSWORD, newAddress()).expect(200);
  });

  it('counts an IPv6 client by its /64: stepping through addresses of one /64 does not reset the count', async () => {
    const person = await createPerson('marketer');
    useClock(new Date('2030-06-04T10:00:00Z'));
    for (let i = 1; i <= 20; i++) {
      await login(`guess6-${i}@example.com`, 'wrong password!', `2001:db8:7:7::${i.toString(16)}`).expect(401);
    }
    await login(person.email, PASSWORD, '2001:db8:7:7:abcd::99').expect(429);
    await login(person.email, PASSWORD, '2001:db8:7:8::1').expect(200);
  });

  it('documents the cookie scheme beside the bearer one', async () => {
    const spec = (await t.http().get('/api/docs-json').expect(200)).body;
    expect(spec.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      cookie: { type: 'apiKey', in: 'cookie', name: 'lcm_session' },
    });
  });
});

describe('signing in behind no trusted proxy (TRUST_PROXY=false)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'false', LOGIN_FAILURES_PER_ADDRESS: '2' });
  });
  afterAll(() => t.close());

  it("ignores a client's own X-Forwarded-Proto and X-Forwarded-For", async () => {
    const email = `direct-${Date.now()}@example.com`;
    await t
      .http()
      .post('/api/v1/users')
      .set(bearer(t.adminToken))
      .send({ email, name: 'Direct', role: 'marketer', password: PASSWORD })
      .expect(201);
    const response = await t
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-Proto', 'https')
      .send({ email, password: PASSWORD })
      .expect(200);
    expect(response.headers['set-cookie']).toEqual([expect.not.stringContaining('Secure')]);
    // Claiming a new address per attempt doesn't escape the per-address count.
    for (let i = 0; i < 2; i++)
      await t
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', `203.0.113.${i}`)
        .send({ email: `x${i}@example.com`, password: 'wrong password!' })
        .expect(401);
    await t
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '203.0.113.99')
      .send({ email, password: PASSWORD })
      .expect(429);
  });
});

function sessionCookie(setCookie: unknown): string {
  const header = (setCookie as string[] | undefined)?.find((c) => c.startsWith('lcm_session='));
  if (!header) throw new Error(`no session cookie in ${JSON.stringify(setCookie)}`);
  return header.split(';')[0];
}
