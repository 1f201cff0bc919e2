import { randomUUID } from 'node:crypto';
import { AudienceRule, createRuleMatcher, SegmentContact } from '@lcm/domain/segments';
import { bearer, createTestApp, TestApp } from './support/app';

const uid = (n: number) => `U${n.toString(16).padStart(32, '0')}`;
const DAY = 86_400_000;

const account = () => ({
  name: 'Audience store',
  channelId: String(1_800_000_000 + Math.floor(Math.random() * 1_000_000)),
  channelAccessToken: 'token',
  channelSecret: 'secret',
  plan: 'high',
  monthlyBudget: '500',
});

/**
 * A known data set of 120 contacts: every 4th is a VIP, every 6th also tagged "Vip" (a different,
 * case-sensitive tag), cities rotate, ages 20..79, every 7th blocked and every 11th unfollowed,
 * interactions spread over the last 120 days, and a few attributes of odd types.
 */
function knownContacts(now: Date) {
  const cities = ['Taipei', 'Taichung', 'Kaohsiung', 'Tainan'];
  return Array.from({ length: 120 }, (_, i) => {
    const tags = [...(i % 4 === 0 ? ['vip'] : []), ...(i % 6 === 0 ? ['Vip'] : []), ...(i % 3 === 0 ? ['news'] : [])];
    const attributes: Record<string, string | number | boolean> = { city: cities[i % 4], age: 20 + (i % 60) };
    if (i % 5 === 0) attributes.member = true;
    if (i % 10 === 1) attributes.age = String(20 + (i % 60)); // a string age never matches a number range
    if (i % 8 === 0) attributes.joined = `2026-0${1 + (i % 9)}-15`;
    return {
      lineUserId: uid(i + 1),
      tags,
      attributes,
      status: i % 7 === 0 ? 'blocked' : i % 11 === 0 ? 'unfollowed' : 'following',
      lastInteractionAt: i % 9 === 0 ? null : new Date(now.getTime() - i * DAY).toISOString(),
      followedAt: new Date(now.getTime() - i * 3 * DAY).toISOString(),
    };
  });
}

type Known = ReturnType<typeof knownContacts>[number];

function asSegmentContact(contact: Known): SegmentContact {
  return {
    lineUserId: contact.lineUserId,
    tags: contact.tags,
    attributes: contact.attributes,
    status: contact.status as SegmentContact['status'],
    followedAt: new Date(contact.followedAt),
    lastInteractionAt: contact.lastInteractionAt ? new Date(contact.lastInteractionAt) : null,
  };
}

describe('audiences', () => {
  let t: TestApp;
  let marketer: { id: string; token: string };
  let approver: { id: string; token: string };
  let accountId: string;
  let otherAccountId: string;
  let contacts: Known[];

  const create = (body: Record<string, unknown>, token = marketer.token) =>
    t.http().post('/api/v1/audiences').set(bearer(token)).send(body);

  beforeAll(async () => {
    t = await createTestApp();
    marketer = await t.createUser('marketer');
    approver = await t.createUser('approver');
    accountId = (await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account()).expect(201))
      .body.id;
    otherAccountId = (
      await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account()).expect(201)
    ).body.id;
    contacts = knownContacts(new Date());
    const upsert = await t
      .http()
      .put(`/api/v1/line-accounts/${accountId}/contacts`)
      .set(bearer(marketer.token))
      .send({ contacts })
      .expect(200);
    expect(upsert.body).toEqual({ created: 120, updated: 0, rejected: [] });
    // The same users on another account, all following VIPs: they must never be counted.
    await t
      .http()
      .put(`/api/v1/line-accounts/${otherAccountId}/contacts`)
      .set(bearer(marketer.token))
      .send({
        contacts: contacts.map((c) => ({
          lineUserId: c.lineUserId,
          tags: ['vip'],
          attributes: { city: 'Taipei', age: 40 },
        })),
      })
      .expect(200);
  });
  afterAll(() => t.close());

  it('refuses a bad tree with the path of the bad node, before anything is saved', async () => {
    const cases: [unknown, string][] = [
      [{ all: [{ tag: 'vip' }, { tag: 'x' }, { attribute: 'age', op: 'between', value: 3 }] }, 'definition.all[2].op'],
      [{ any: [{ not: { followedWithinDays: -1 } }] }, 'definition.any[0].not.followedWithinDays'],
      [{ any: [] }, 'definition.any'],
      [{ tag: 'vip', any: [] }, 'definition'],
      [{ list: ['U123'] }, 'definition.list[0]'],
      ['vip', 'definition'],
      [{ attribute: 'age', op: 'gt', value: 'soon' }, 'definition.value'],
      [{ audience: 'not-a-uuid' }, 'definition.audience'],
    ];
    for (const [definition, field] of cases) {
      const response = await create({ lineAccountId: accountId, name: 'bad', definition }).expect(400);
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const missing = await create({ lineAccountId: accountId, name: 'no definition' }).expect(400);
    expect(missing.body.details.map((d: { field: string }) => d.field)).toContain('definition');
    const noAccount = await create({ lineAccountId: randomUUID(), name: 'x', definition: { tag: 'vip' } }).expect(400);
    expect(noAccount.body.details).toEqual([{ field: 'lineAccountId', problem: 'no such LINE account' }]);
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM audiences');
    expect(rows[0].n).toBe(0);
  });

  it('counts recipients and excluded members in SQL exactly as the rules say', async () => {
    const now = new Date();
    const trees: AudienceRule[] = [
      { tag: 'vip' },
      { tag: 'Vip' },
      { all: [{ tag: 'vip' }, { attribute: 'age', op: 'gte', value: 30 }, { interactedWithinDays: 60 }] },
      {
        any: [
          { attribute: 'city', op: 'eq', value: 'Taipei' },
          { attribute: 'member', op: 'exists' },
          { not: { attribute: 'age', op: 'lt', value: 70 } },
        ],
      },
      { not: { attribute: 'city', op: 'in', value: ['Taipei', 'Tainan'] } },
      { attribute: 'joined', op: 'gte', value: '2026-05-01' },
      { attribute: 'age', op: 'neq', value: 25 },
      { followedWithinDays: 30 },
      { list: [uid(1), uid(2), uid(8), uid(999)] },
    ];
    for (const definition of trees) {
      const created = await create({
        lineAccountId: accountId,
        name: JSON.stringify(definition).slice(0, 100),
        definition,
      }).expect(201);
      const size = await t
        .http()
        .get(`/api/v1/audiences/${created.body.id}/size`)
        .set(bearer(approver.token))
        .expect(200);
      const matcher = createRuleMatcher(definition, { now });
      const members = contacts.filter((contact) => matcher(asSegmentContact(contact)));
      const count = (status: string) => members.filter((m) => m.status === status).length;
      expect({ definition, ...size.body }).toEqual({
        definition,
        audienceId: created.body.id,
        recipients: count('following'),
        excluded: { blocked: count('blocked'), unfollowed: count('unfollowed'), frequencyCap: 0 },
        frequencyCap: null,
        computedAt: expect.any(String),
      });
    }
    // Hand-checked: 30 VIPs (every 4th of 120); of them every 28th is blocked (5), every 44th unfollowed (2 of the rest).
    const vip = await create({ lineAccountId: accountId, name: 'VIP', definition: { tag: 'vip' } }).expect(201);
    const size = await t.http().get(`/api/v1/audiences/${vip.body.id}/size`).set(bearer(marketer.token)).expect(200);
    expect(size.body).toMatchObject({ recipients: 23, excluded: { blocked: 5, unfollowed: 2 } });
  });

  it('sizes a tree that is not saved like a saved one, names the bad node, and writes nothing', async () => {
    const size = (body: Record<string, unknown>, token = marketer.token) =>
      t.http().post('/api/v1/audiences/size').set(bearer(token)).send(body);
    const { rows: before } = await t.db.pool.query('SELECT count(*)::int AS n FROM audiences');
    const definition = { all: [{ tag: 'vip' }, { not: { attribute: 'city', op: 'eq', value: 'Taipei' } }] };
    const saved = await create({ lineAccountId: accountId, name: 'saved twin', definition }).expect(201);
    const savedSize = await t.http().get(`/api/v1/audiences/${saved.body.id}/size`).set(bearer(marketer.token));
    const unsaved = await size({ lineAccountId: accountId, definition }).expect(200);
    expect(unsaved.body).toEqual({ ...savedSize.body, audienceId: null, computedAt: expect.any(String) });
    // Referencing the saved one counts the same members again.
    const viaReference = await size({ lineAccountId: accountId, definition: { audience: saved.body.id } }).expect(200);
    expect(viaReference.body.recipients).toBe(savedSize.body.recipients);

    const bad = await size({ lineAccountId: accountId, definition: { any: [{ tag: 'vip' }, { tag: '' }] } }).expect(
      400,
    );
    expect(bad.body.details.map((d: { field: string }) => d.field)).toContain('definition.any[1].tag');
    const otherAccounts = await size({ lineAccountId: otherAccountId, definition: { audience: saved.body.id } });
    expect(otherAccounts.status).toBe(400);
    expect(otherAccounts.body.details[0].field).toBe('definition.audience');
    await size({ lineAccountId: randomUUID(), definition }).expect(400);
    await size({ lineAccountId: accountId, definition }, approver.token).expect(403);
    const { rows: after } = await t.db.pool.query('SELECT count(*)::int AS n FROM audiences');
    expect(after[0].n).toBe(before[0].n + 1); // only the saved twin
  });

  it('{"all": []} is the match-all audience: every following contact of its account, nobody else', async () => {
    const everyone = await create({ lineAccountId: accountId, name: 'Everyone', definition: { all: [] } }).expect(201);
    expect(everyone.body.definition).toEqual({ all: [] });
    const size = await t
      .http()
      .get(`/api/v1/audiences/${everyone.body.id}/size`)
      .set(bearer(marketer.token))
      .expect(200);
    const count = (status: string) => contacts.filter((c) => c.status === status).length;
    expect(size.body).toMatchObject({
      recipients: count('following'),
      excluded: { blocked: count('blocked'), unfollowed: count('unfollowed') },
    });
    expect(count('following')).toBeGreaterThan(0);
    expect(count('following')).toBeLessThan(contacts.length);
  });

  it('a date audience follows the dates contacts are given, changed and removed through the API', async () => {
    const ownAccount = (
      await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account()).expect(201)
    ).body.id;
    const upsert = (joined: Record<number, string | number | boolean | null>) =>
      t
        .http()
        .put(`/api/v1/line-accounts/${ownAccount}/contacts`)
        .set(bearer(marketer.token))
        .send({
          contacts: Object.entries(joined).map(([n, date]) => ({
            lineUserId: uid(Number(n)),
            attributes: { joined: date },
          })),
        })
        .expect(200);
    const recent = await create({
      lineAccountId: ownAccount,
      name: 'joined since June',
      definition: { attribute: 'joined', op: 'gte', value: '2026-06-01' },
    }).expect(201);
    const recipients = async () =>
      (await t.http().get(`/api/v1/audiences/${recent.body.id}/size`).set(bearer(marketer.token)).expect(200)).body
        .recipients;

    await upsert({
      1: '2026-06-01',
      2: '2026-05-31T23:59:59.999Z',
      3: '2026-06-01T07:59+08:00',
      4: '2026-07-01',
      5: 20260701,
    });
    expect(await recipients()).toBe(2); // midnight UTC on the day, and July; not the minute before, nor a number
    await upsert({ 2: '2026-06-01T00:00:00.001Z', 4: 'soon', 5: '2026-12-24' });
    expect(await recipients()).toBe(3); // 1, 2 and 5
    await upsert({ 1: '2025-06-01', 3: true });
    expect(await recipients()).toBe(2);
    await upsert({ 2: null });
    expect(await recipients()).toBe(1);
  });

  it('previews following members in lineUserId order', async () => {
    const vip = await create({ lineAccountId: accountId, name: 'VIP preview', definition: { tag: 'vip' } }).expect(201);
    const preview = await t
      .http()
      .get(`/api/v1/audiences/${vip.body.id}/preview`)
      .query({ limit: 5 })
      .set(bearer(approver.token))
      .expect(200);
    const expected = contacts
      .filter((c) => c.tags.includes('vip') && c.status === 'following')
      .slice(0, 5)
      .map((c) => c.lineUserId);
    expect(preview.body.audienceId).toBe(vip.body.id);
    expect(preview.body.items.map((item: { lineUserId: string }) => item.lineUserId)).toEqual(expected);
    expect(preview.body.items[0]).toMatchObject({
      lineAccountId: accountId,
      status: 'following',
      tags: expect.arrayContaining(['vip']),
    });
    const byDefault = await t
      .http()
      .get(`/api/v1/audiences/${vip.body.id}/preview`)
      .set(bearer(approver.token))
      .expect(200);
    expect(byDefault.body.items).toHaveLength(20);
    await t
      .http()
      .get(`/api/v1/audiences/${vip.body.id}/preview`)
      .query({ limit: 101 })
      .set(bearer(approver.token))
      .expect(400);
  });

  it("resolves references, refuses other accounts' audiences and cycles", async () => {
    const base = await create({ lineAccountId: accountId, name: 'base', definition: { tag: 'vip' } }).expect(201);
    const derived = await create({
      lineAccountId: accountId,
      name: 'derived',
      definition: { all: [{ audience: base.body.id }, { attribute: 'city', op: 'eq', value: 'Taipei' }] },
    }).expect(201);
    expect(derived.body.referencedAudienceIds).toEqual([base.body.id]);
    const size = await t
      .http()
      .get(`/api/v1/audiences/${derived.body.id}/size`)
      .set(bearer(marketer.token))
      .expect(200);
    const expected = contacts.filter(
      (c) => c.tags.includes('vip') && c.attributes.city === 'Taipei' && c.status === 'following',
    ).length;
    expect(size.body.recipients).toBe(expected);

    const foreign = await create({ lineAccountId: otherAccountId, name: 'foreign', definition: { tag: 'vip' } }).expect(
      201,
    );
    const crossAccount = await create({
      lineAccountId: accountId,
      name: 'x',
      definition: { any: [{ tag: 'news' }, { not: { audience: foreign.body.id } }] },
    }).expect(400);
    expect(crossAccount.body.details).toEqual([
      { field: 'definition.any[1].not.audience', problem: `no audience ${foreign.body.id} on this LINE account` },
    ]);
    const unknown = randomUUID();
    const missing = await create({ lineAccountId: accountId, name: 'x', definition: { audience: unknown } }).expect(
      400,
    );
    expect(missing.body.details).toEqual([
      { field: 'definition.audience', problem: `no audience ${unknown} on this LINE account` },
    ]);

    // base → derived would close base → derived → base.
    const cycle = await t
      .http()
      .patch(`/api/v1/audiences/${base.body.id}`)
      .set(bearer(marketer.token))
      .send({ version: 1, definition: { any: [{ tag: 'vip' }, { audience: derived.body.id }] } })
      .expect(400);
    expect(cycle.body.details).toEqual([
      {
        field: 'definition.any[1].audience',
        problem: expect.stringContaining(`${base.body.id} → ${derived.body.id} → ${base.body.id}`),
      },
    ]);
    const self = await t
      .http()
      .patch(`/api/v1/audiences/${base.body.id}`)
      .set(bearer(marketer.token))
      .send({ version: 1, definition: { not: { audience: base.body.id } } })
      .expect(400);
    expect(self.body.details[0]).toMatchObject({
      field: 'definition.not.audience',
      problem: expect.stringContaining('itself'),
    });
    const unchanged = await t.http().get(`/api/v1/audiences/${base.body.id}`).set(bearer(approver.token)).expect(200);
    expect(unchanged.body).toMatchObject({ version: 1, definition: { tag: 'vip' } });

    // A referenced audience can't be deleted; once the reference is gone it can.
    await t.http().delete(`/api/v1/audiences/${base.body.id}`).set(bearer(marketer.token)).expect(409);
    await t
      .http()
      .patch(`/api/v1/audiences/${derived.body.id}`)
      .set(bearer(marketer.token))
      .send({ version: 1, definition: { tag: 'news' } })
      .expect(200);
    await t.http().delete(`/api/v1/audiences/${base.body.id}`).set(bearer(marketer.token)).expect(204);
  });

  it('updates with version (stale → 409), deletes, lists, and audits all three', async () => {
    const created = await create({ lineAccountId: accountId, name: 'to change', definition: { tag: 'news' } }).expect(
      201,
    );
    const id = created.body.id;
    expect(created.body).toMatchObject({
      lineAccountId: accountId,
      name: 'to change',
      definition: { tag: 'news' },
      version: 1,
      createdById: marketer.id,
      updatedById: marketer.id,
    });
    const updated = await t
      .http()
      .patch(`/api/v1/audiences/${id}`)
      .set(bearer(t.adminToken))
      .send({ version: 1, name: 'changed', definition: { all: [{ tag: 'news' }, { interactedWithinDays: 30 }] } })
      .expect(200);
    expect(updated.body).toMatchObject({ name: 'changed', version: 2, createdById: marketer.id });
    const stale = await t
      .http()
      .patch(`/api/v1/audiences/${id}`)
      .set(bearer(marketer.token))
      .send({ version: 1, name: 'late' })
      .expect(409);
    expect(stale.body.details[0].field).toBe('version');
    const badPatch = await t
      .http()
      .patch(`/api/v1/audiences/${id}`)
      .set(bearer(marketer.token))
      .send({ version: 2, definition: { all: [{ tag: '' }] } })
      .expect(400);
    expect(badPatch.body.details[0].field).toBe('definition.all[0].tag');

    const listed = await t
      .http()
      .get('/api/v1/audiences')
      .query({ lineAccountId: accountId, limit: 500 })
      .set(bearer(approver.token))
      .expect(200);
    expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(id);
    expect(listed.body.items.every((a: { lineAccountId: string }) => a.lineAccountId === accountId)).toBe(true);
    const otherList = await t
      .http()
      .get('/api/v1/audiences')
      .query({ lineAccountId: otherAccountId })
      .set(bearer(approver.token))
      .expect(200);
    expect(otherList.body.items.map((a: { name: string }) => a.name)).toEqual(['foreign']);

    await t.http().delete(`/api/v1/audiences/${id}`).set(bearer(marketer.token)).expect(204);
    await t.http().get(`/api/v1/audiences/${id}`).set(bearer(marketer.token)).expect(404);
    await t.http().get(`/api/v1/audiences/${id}/size`).set(bearer(marketer.token)).expect(404);
    await t.http().delete(`/api/v1/audiences/${id}`).set(bearer(marketer.token)).expect(404);
    const after = await t
      .http()
      .get('/api/v1/audiences')
      .query({ lineAccountId: accountId, limit: 500 })
      .set(bearer(approver.token))
      .expect(200);
    expect(after.body.items.map((a: { id: string }) => a.id)).not.toContain(id);

    const { rows } = await t.db.pool.query(
      `SELECT action, actor_id, before->>'name' AS before_name, after->>'name' AS after_name, after->'definition' AS definition
         FROM audit_events WHERE entity_type = 'audience' AND entity_id = $1 ORDER BY created_at, action`,
      [id],
    );
    expect(rows).toEqual([
      {
        action: 'audience.created',
        actor_id: marketer.id,
        before_name: null,
        after_name: 'to change',
        definition: { tag: 'news' },
      },
      {
        action: 'audience.updated',
        actor_id: expect.any(String),
        before_name: 'to change',
        after_name: 'changed',
        definition: { all: [{ tag: 'news' }, { interactedWithinDays: 30 }] },
      },
      { action: 'audience.deleted', actor_id: marketer.id, before_name: 'changed', after_name: null, definition: null },
    ]);
  });

  it("can't delete an audience an approved, sending, paused, blocked or failed campaign uses", async () => {
    const used = await create({ lineAccountId: accountId, name: 'used', definition: { tag: 'vip' } }).expect(201);
    const campaign = randomUUID();
    await t.db.pool.query(
      `INSERT INTO campaigns (id, line_account_id, audience_id, name, messages, status, created_by_id, last_edited_by_id)
       VALUES ($1, $2, $3, 'promo', '[]', 'draft', $4, $4)`,
      [campaign, accountId, used.body.id, marketer.id],
    );
    for (const status of ['approved', 'sending', 'paused', 'blocked', 'failed']) {
      await t.db.pool.query(`UPDATE campaigns SET status = $2 WHERE id = $1`, [campaign, status]);
      const refused = await t
        .http()
        .delete(`/api/v1/audiences/${used.body.id}`)
        .set(bearer(marketer.token))
        .expect(409);
      expect(refused.body.message).toContain('campaign');
    }
    await t.db.pool.query(`UPDATE campaigns SET status = 'completed' WHERE id = $1`, [campaign]);
    await t.http().delete(`/api/v1/audiences/${used.body.id}`).set(bearer(marketer.token)).expect(204);
  });

  it('lets marketers and admins write, every role read', async () => {
    const created = await create({ lineAccountId: accountId, name: 'roles', definition: { tag: 'vip' } }).expect(201);
    await create({ lineAccountId: accountId, name: 'approver', definition: { tag: 'vip' } }, approver.token).expect(
      403,
    );
    await create({ lineAccountId: accountId, name: 'admin', definition: { tag: 'vip' } }, t.adminToken).expect(201);
    await t
      .http()
      .patch(`/api/v1/audiences/${created.body.id}`)
      .set(bearer(approver.token))
      .send({ version: 1, name: 'x' })
      .expect(403);
    await t.http().delete(`/api/v1/audiences/${created.body.id}`).set(bearer(approver.token)).expect(403);
    await t.http().get(`/api/v1/audiences/${created.body.id}`).set(bearer(approver.token)).expect(200);
    await t.http().get(`/api/v1/audiences/${created.body.id}/size`).set(bearer(approver.token)).expect(200);
    await t.http().get(`/api/v1/audiences/${created.body.id}/preview`).set(bearer(approver.token)).expect(200);
    await t.http().get('/api/v1/audiences').set(bearer(approver.token)).expect(200);
  });
});
