import { bearer, createTestApp, TestApp } from './support/app';

const account = () => ({
  name: 'Audit store',
  channelId: String(1_700_000_000 + Math.floor(Math.random() * 1_000_000)),
  channelAccessToken: 'token-never-shown',
  channelSecret: 'secret-never-shown',
  plan: 'high',
  monthlyBudget: '500',
});

interface AuditItem {
  entityType: string;
  entityId: string;
  entityName: string | null;
  action: string;
  actorId: string | null;
  actor: { id: string; name: string; email: string } | null;
  before: unknown;
  after: unknown;
  createdAt: string;
}

/** GET /audit: the log across entities, filtered, paged, with who did what. */
describe('audit log', () => {
  let t: TestApp;
  let marketer: { id: string; token: string };
  let approver: { id: string; token: string };
  let accountId: string;
  let audienceId: string;
  let startedAt: string;

  const audit = (query: string, token = t.adminToken) => t.http().get(`/api/v1/audit${query}`).set(bearer(token));

  beforeAll(async () => {
    t = await createTestApp();
    startedAt = new Date().toISOString();
    marketer = await t.createUser('marketer', `marketer-${Date.now()}@example.com`);
    approver = await t.createUser('approver');
    accountId = (await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account()).expect(201))
      .body.id;
    await t
      .http()
      .patch(`/api/v1/line-accounts/${accountId}`)
      .set(bearer(t.adminToken))
      .send({ version: 1, monthlyBudget: '800' })
      .expect(200);
    const audience = await t
      .http()
      .post('/api/v1/audiences')
      .set(bearer(marketer.token))
      .send({ lineAccountId: accountId, name: 'VIP', definition: { tag: 'vip' } })
      .expect(201);
    audienceId = audience.body.id;
    await t
      .http()
      .patch(`/api/v1/audiences/${audienceId}`)
      .set(bearer(marketer.token))
      .send({ version: audience.body.version, definition: { all: [] } })
      .expect(200);
  });
  afterAll(() => t.close());

  it("shows audience and LINE account changes with the actor's name, before and after, and no secret", async () => {
    const all = await audit('?limit=500').expect(200);
    const items = all.body.items as AuditItem[];
    const audienceEvents = items.filter((item) => item.entityId === audienceId);
    expect(audienceEvents.map((item) => item.action)).toEqual(['audience.updated', 'audience.created']);
    expect(audienceEvents[0]).toMatchObject({
      entityType: 'audience',
      entityName: 'VIP',
      actorId: marketer.id,
      actor: { id: marketer.id, name: 'Test marketer', email: expect.stringMatching(/^marketer-/) },
      before: { definition: { tag: 'vip' } },
      after: { definition: { all: [] } },
    });
    const accountEvents = items.filter((item) => item.entityId === accountId);
    expect(accountEvents.map((item) => item.action)).toEqual(['line_account.updated', 'line_account.created']);
    expect(accountEvents[0]).toMatchObject({
      entityName: 'Audit store',
      actor: { name: 'Administrator' },
      before: { monthlyBudget: { amount: '500.0000' } },
      after: { monthlyBudget: { amount: '800.0000' } },
    });
    // Each entry names what it is about, as it is called now.
    expect(items.filter((item) => item.entityId === marketer.id).map((item) => item.entityName)).toEqual([
      'Test marketer',
    ]);
    expect(items.every((item) => typeof item.entityName === 'string')).toBe(true);
    expect(JSON.stringify(all.body)).not.toMatch(/never-shown/);
    // The system's own entries (the bootstrap admin) have no actor.
    expect(items.find((item) => item.action === 'user.bootstrapped')).toMatchObject({ actorId: null, actor: null });
  });

  it('filters by entity, actor, action and time, each alone and together', async () => {
    const byEntity = await audit(`?entityType=audience&entityId=${audienceId}`).expect(200);
    expect(byEntity.body.items.map((item: AuditItem) => item.action)).toEqual(['audience.updated', 'audience.created']);

    const byActor = await audit(`?actorId=${marketer.id}`).expect(200);
    expect(byActor.body.items.length).toBe(2);
    expect(byActor.body.items.every((item: AuditItem) => item.actorId === marketer.id)).toBe(true);

    const byAction = await audit('?action=line_account.updated').expect(200);
    expect(byAction.body.items.map((item: AuditItem) => item.entityId)).toEqual([accountId]);

    const byType = await audit('?entityType=user').expect(200);
    expect(byType.body.items.every((item: AuditItem) => item.entityType === 'user')).toBe(true);
    expect(byType.body.items.length).toBe(3); // the bootstrap admin, the marketer, the approver

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await audit(`?from=${encodeURIComponent(future)}`).expect(200)).body.items).toEqual([]);
    const before = await audit(`?to=${encodeURIComponent(startedAt)}&entityType=line_account`).expect(200);
    expect(before.body.items).toEqual([]);
    const window = await audit(
      `?from=${encodeURIComponent(startedAt)}&to=${encodeURIComponent(future)}&actorId=${marketer.id}&action=audience.updated`,
    ).expect(200);
    expect(window.body.items.map((item: AuditItem) => item.entityId)).toEqual([audienceId]);
  });

  it('pages with limit and cursor, newest first, without gaps or repeats', async () => {
    const everything = (await audit('?limit=500').expect(200)).body.items as (AuditItem & { id: string })[];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await audit(
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(everything.map((item) => item.id));
    const times = everything.map((item) => item.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    // The first page is what just happened, not the service's start-up.
    const first = (await audit('?limit=1').expect(200)).body.items as AuditItem[];
    expect(first.map((item) => item.action)).toEqual(['audience.updated']);
  });

  it('refuses bad filters with 400 naming the field, and marketers with 403', async () => {
    for (const [query, field] of [
      ['?entityType=planet', 'entityType'],
      ['?actorId=me', 'actorId'],
      ['?from=yesterday', 'from'],
      ['?to=2026-12-01T10:00', 'to'],
      ['?from=2026-12-02&to=2026-12-01', 'to'],
      ['?cursor=nope', 'cursor'],
      ['?limit=0', 'limit'],
    ]) {
      const response = await audit(query).expect(400);
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
    }
    await audit('', marketer.token).expect(403);
    await audit('', approver.token).expect(200);
  });
});
