import { bearer, createTestApp, TestApp } from './support/app';

/**
 * Creations that race on a unique key: the service's own check lets every one through (none exists
 * yet), PostgreSQL's unique index takes one and refuses the rest. The refused get a 409 naming the
 * field(s), as the service's check would have, never "a unique field".
 */
describe('unique keys under a burst of identical creations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const CREATIONS: { route: string; body: object; fields: string[] }[] = [
    {
      route: '/users',
      body: { email: 'twice@example.com', name: 'Twice', role: 'marketer' },
      fields: ['email'],
    },
    {
      route: '/line-accounts',
      body: {
        name: 'Twice',
        channelId: '1650000042',
        channelAccessToken: 'token',
        channelSecret: 'secret',
        plan: 'high',
        monthlyBudget: '100',
      },
      fields: ['channelId'],
    },
    {
      route: '/rate-cards',
      body: {
        region: 'TW',
        plan: 'high',
        currency: 'TWD',
        monthlyFee: '1800',
        freeMessages: 6000,
        additionalAllowed: true,
        tiers: [{ upTo: null, unitPrice: '0.2' }],
        effectiveFrom: '2026-01-01',
        source: 'twice',
        verified: false,
      },
      fields: ['region', 'plan', 'effectiveFrom', 'source'],
    },
  ];

  it.each(CREATIONS)(
    '10 × POST $route at once: one 201, and every 409 names $fields',
    async ({ route, body, fields }) => {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => t.http().post(`/api/v1${route}`).set(bearer(t.adminToken)).send(body)),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, ...Array(9).fill(409)]);
      for (const refused of answers.filter((answer) => answer.status === 409)) {
        const named = (refused.body.details as { field: string }[]).map((detail) => detail.field);
        // Either the service's check (it saw the winner) or the index (it didn't): the same fields.
        expect({ route, named: named.filter((field) => fields.includes(field)).length > 0, all: named }).toEqual({
          route,
          named: true,
          all: expect.not.arrayContaining(['a unique field']),
        });
      }
      // Afterwards, one at a time, the same again.
      const again = await t.http().post(`/api/v1${route}`).set(bearer(t.adminToken)).send(body).expect(409);
      expect(again.body.details.map((detail: { field: string }) => detail.field)).toEqual(
        expect.arrayContaining([fields[0]]),
      );
    },
  );
});
