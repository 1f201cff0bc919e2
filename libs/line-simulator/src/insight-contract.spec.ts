import request, { Response } from 'supertest';
import type { LineSimulatorHandle } from './server';
import { lineOpenApiFile, OpenApiSchemas } from './testing/openapi-schemas';
import { bearer, createChannel, hello, startTestSimulator, TOKEN, userIds } from './testing/simulator-fixture';

/**
 * Aggregation units and statistics per unit, against LINE's specs: every answer validates against
 * the response schema of messaging-api.yml (units) or insight.yml (statistics), undeclared
 * properties refused; counts under 20 are null; the unit budget and the 60/hour limit hold.
 */
const messagingSpec = lineOpenApiFile('messaging-api.yml');
const insightSpec = lineOpenApiFile('insight.yml');

if (!messagingSpec || !insightSpec) {
  const reason =
    'LINE OpenAPI specs not found: expected ../shared/line-openapi next to the checkout, or LINE_OPENAPI_DIR';
  console.warn(`insight-contract.spec.ts skipped. ${reason}`);
  describe('LINE simulator: aggregation units and insight', () => {
    it.skip(reason, () => undefined);
  });
} else {
  describe('LINE simulator: aggregation units and insight', () => {
    const messaging = OpenApiSchemas.load(messagingSpec, { closed: true });
    const insight = OpenApiSchemas.load(insightSpec, { closed: true });
    const messagingRequests = OpenApiSchemas.load(messagingSpec);
    let sim: LineSimulatorHandle;
    const followers = userIds(1, 30);
    const STATS = '/v2/bot/insight/message/event/aggregation';

    beforeAll(async () => {
      sim = await startTestSimulator();
    });
    afterAll(() => sim.close());
    beforeEach(async () => {
      await request(sim.url).post('/_sim/reset').expect(200);
      await createChannel(sim, 'ch1', { accessToken: TOKEN, quota: { type: 'none' }, followers });
    });

    const api = () => request(sim.url);
    function conforms(spec: OpenApiSchemas, response: Response, route: string): void {
      const name = spec.declaresStatus(route, 'get', response.status)
        ? spec.responseSchemaName(route, 'get', response.status)!
        : 'ErrorResponse';
      const validate = (spec.document.components.schemas[name] ? spec : messaging).schema(name);
      expect({ route, status: response.status, errors: validate(response.body) ? null : validate.errors }).toEqual({
        route,
        status: response.status,
        errors: null,
      });
    }
    const multicast = (unit?: string) => {
      const body = { to: followers, messages: hello, ...(unit ? { customAggregationUnits: [unit] } : {}) };
      const validate = messagingRequests.schema(
        messagingRequests.requestSchemaName('/v2/bot/message/multicast', 'post'),
      );
      expect(validate(body)).toBe(true);
      return api().post('/v2/bot/message/multicast').set(bearer()).send(body);
    };

    it('counts the unit names sent this month and lists them, as the spec says', async () => {
      await multicast('spring_a').expect(200);
      await multicast('spring_a').expect(200); // the same name again is not a new unit
      await multicast('spring_b').expect(200);
      await multicast().expect(200);
      const info = await api().get('/v2/bot/message/aggregation/info').set(bearer()).expect(200);
      conforms(messaging, info, '/v2/bot/message/aggregation/info');
      expect(info.body).toEqual({ numOfCustomAggregationUnits: 2 });
      const first = await api().get('/v2/bot/message/aggregation/list?limit=1').set(bearer()).expect(200);
      conforms(messaging, first, '/v2/bot/message/aggregation/list');
      expect(first.body).toEqual({ customAggregationUnits: ['spring_a'], next: expect.any(String) });
      const rest = await api()
        .get(`/v2/bot/message/aggregation/list?limit=1&start=${first.body.next}`)
        .set(bearer())
        .expect(200);
      expect(rest.body).toEqual({ customAggregationUnits: ['spring_b'] });
    });

    it('refuses a new unit name past 1,000 this month and delivers nothing; a used name still goes', async () => {
      await multicast('old_unit').expect(200);
      await api().put('/_sim/channels/ch1/aggregation-units').send({ usedElsewhere: 999 }).expect(200);
      const refused = await multicast('new_unit').expect(400);
      expect(refused.body.details[0].property).toBe('customAggregationUnits');
      await multicast('old_unit').expect(200);
      await multicast().expect(200);
      const units = (await api().get('/_sim/channels/ch1/aggregation-units').expect(200)).body;
      expect(units).toMatchObject({ used: 1000, limit: 1000, units: ['old_unit'] });
      const sends = (await api().get('/_sim/channels/ch1/sends').expect(200)).body;
      expect(sends.sends).toHaveLength(3);
    });

    it('answers statistics per unit with null for every count under 20, as insight.yml says', async () => {
      await api()
        .put('/_sim/channels/ch1/statistics/spring_a')
        .send({ uniqueImpression: 120, uniqueClick: 19, uniqueMediaPlayed: 20 })
        .expect(200);
      const stats = await api()
        .get(`${STATS}?customAggregationUnit=spring_a&from=20261201&to=20261215`)
        .set(bearer())
        .expect(200);
      conforms(insight, stats, STATS);
      expect(stats.body.overview).toEqual({
        uniqueImpression: 120,
        uniqueClick: null,
        uniqueMediaPlayed: 20,
        uniqueMediaPlayed100Percent: null,
      });
      const unknown = await api()
        .get(`${STATS}?customAggregationUnit=never_sent&from=20261201&to=20261201`)
        .set(bearer())
        .expect(200);
      conforms(insight, unknown, STATS);
      expect(unknown.body.overview.uniqueImpression).toBeNull();
    });

    it.each([
      ['a period over 30 days', 'customAggregationUnit=u&from=20261201&to=20270101'],
      ['to before from', 'customAggregationUnit=u&from=20261202&to=20261201'],
      ['a bad date', 'customAggregationUnit=u&from=2026-12-01&to=20261201'],
      ['a bad unit name', 'customAggregationUnit=no-dashes&from=20261201&to=20261201'],
      ['no unit', 'from=20261201&to=20261201'],
    ])('refuses %s with 400', async (_name, query) => {
      const response = await api().get(`${STATS}?${query}`).set(bearer()).expect(400);
      conforms(insight, response, STATS);
    });

    it('allows 60 statistics requests an hour per channel, then 429', async () => {
      const read = () => api().get(`${STATS}?customAggregationUnit=u&from=20261201&to=20261201`).set(bearer());
      for (let i = 0; i < 60; i++) await read().expect(200);
      const limited = await read().expect(429);
      conforms(insight, limited, STATS);
      // Other endpoints are not held back by it.
      await api().get('/v2/bot/message/aggregation/info').set(bearer()).expect(200);
    });
  });
}
