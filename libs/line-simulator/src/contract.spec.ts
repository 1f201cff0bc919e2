import { randomUUID } from 'node:crypto';
import request, { Response } from 'supertest';
import { SAMPLE_MESSAGES, SAMPLE_USER_ID, sampleMessages } from '@lcm/domain/line-messages/testing/sample-messages';
import type { LineSimulatorHandle } from './server';
import { lineOpenApiFile, OpenApiSchemas } from './testing/openapi-schemas';
import { bearer, createChannel, hello, startTestSimulator, TOKEN, userIds } from './testing/simulator-fixture';

/**
 * Contract with LINE's official OpenAPI document: every answer the simulator gives on the routes
 * it serves validates against the spec's response schema (with undeclared properties refused), and
 * requests the spec's request schemas accept are accepted by the simulator (and vice versa for a
 * set of requests the spec refuses).
 */
const specFile = lineOpenApiFile('messaging-api.yml');

if (!specFile) {
  const reason =
    'LINE OpenAPI spec not found: expected ../shared/line-openapi/messaging-api.yml next to the checkout, or set LINE_OPENAPI_DIR';
  console.warn(`contract.spec.ts skipped. ${reason}`);
  describe('LINE simulator: contract with messaging-api.yml', () => {
    it.skip(reason, () => undefined);
  });
} else {
  describe('LINE simulator: contract with messaging-api.yml', () => {
    const responses = OpenApiSchemas.load(specFile, { closed: true });
    const requests = OpenApiSchemas.load(specFile);
    let sim: LineSimulatorHandle;
    const followers = [SAMPLE_USER_ID, ...userIds(1, 4)];

    beforeAll(async () => {
      sim = await startTestSimulator();
    });
    afterAll(() => sim.close());
    beforeEach(async () => {
      await request(sim.url).post('/_sim/reset').expect(200);
      await createChannel(sim, 'ch1', {
        accessToken: TOKEN,
        quota: { type: 'limited', value: 100_000 },
        followers,
        followerCount: 700,
      });
    });

    const api = () => request(sim.url);
    const errorsOf = (validate: ReturnType<OpenApiSchemas['schema']>, body: unknown) =>
      validate(body) ? null : validate.errors;

    /** Checks an answer against the response schema the spec declares for its route and status. */
    function expectConforms(response: Response, route: string, method: string): void {
      const declared = responses.declaresStatus(route, method, response.status);
      // The spec lists the statuses LINE documents per operation; 401, 5xx and some 400s are
      // LINE's common error responses, whose body is ErrorResponse.
      const schemaName = declared ? responses.responseSchemaName(route, method, response.status) : 'ErrorResponse';
      if (!declared) expect(response.status).toBeGreaterThanOrEqual(400);
      if (schemaName === undefined) {
        expect(response.body).toEqual({}); // declared without a body: the simulator answers `{}`
        return;
      }
      expect({ route, status: response.status, errors: errorsOf(responses.schema(schemaName), response.body) }).toEqual(
        { route, status: response.status, errors: null },
      );
    }

    type Case = [name: string, route: string, method: 'get' | 'post', call: () => Promise<Response>, status: number];
    const push = (body: unknown, headers: Record<string, string> = {}) =>
      api()
        .post('/v2/bot/message/push')
        .set(bearer())
        .set(headers)
        .send(body as object);
    const multicast = (body: unknown, headers: Record<string, string> = {}) =>
      api()
        .post('/v2/bot/message/multicast')
        .set(bearer())
        .set(headers)
        .send(body as object);
    const broadcast = (body: unknown, headers: Record<string, string> = {}) =>
      api()
        .post('/v2/bot/message/broadcast')
        .set(bearer())
        .set(headers)
        .send(body as object);
    const twice = async (send: (headers: Record<string, string>) => request.Test) => {
      const key = { 'X-Line-Retry-Key': randomUUID() };
      await send(key).expect(200);
      return send(key);
    };
    const overQuota = async (send: () => request.Test) => {
      await api()
        .patch('/_sim/channels/ch1')
        .send({ quota: { type: 'limited', value: 0 } })
        .expect(200);
      return send();
    };
    const rateLimited = async (group: string, send: () => request.Test) => {
      await api()
        .put('/_sim/channels/ch1/rate-limits')
        .send({ [group]: { limit: 0, windowMs: 60_000 } })
        .expect(200);
      return send();
    };

    const cases: Case[] = [
      [
        'push accepted',
        '/v2/bot/message/push',
        'post',
        () => push({ to: followers[0], messages: sampleMessages().slice(0, 5) }),
        200,
      ],
      [
        'push invalid',
        '/v2/bot/message/push',
        'post',
        () => push({ to: followers[0], messages: [{ type: 'text', text: '' }] }),
        400,
      ],
      [
        'push repeated retry key',
        '/v2/bot/message/push',
        'post',
        () => twice((h) => push({ to: followers[0], messages: hello }, h)),
        409,
      ],
      [
        'push over the monthly limit',
        '/v2/bot/message/push',
        'post',
        () => overQuota(() => push({ to: followers[0], messages: hello })),
        429,
      ],
      [
        'push rate limited',
        '/v2/bot/message/push',
        'post',
        () => rateLimited('push', () => push({ to: followers[0], messages: hello })),
        429,
      ],
      [
        'push unauthorized',
        '/v2/bot/message/push',
        'post',
        () => api().post('/v2/bot/message/push').send({ to: followers[0], messages: hello }),
        401,
      ],
      [
        'multicast accepted',
        '/v2/bot/message/multicast',
        'post',
        () => multicast({ to: followers, messages: hello }),
        200,
      ],
      [
        'multicast invalid',
        '/v2/bot/message/multicast',
        'post',
        () => multicast({ to: ['nobody'], messages: hello }),
        400,
      ],
      [
        'multicast repeated retry key',
        '/v2/bot/message/multicast',
        'post',
        () => twice((h) => multicast({ to: followers, messages: hello }, h)),
        409,
      ],
      [
        'multicast over the monthly limit',
        '/v2/bot/message/multicast',
        'post',
        () => overQuota(() => multicast({ to: followers, messages: hello })),
        429,
      ],
      [
        'multicast rate limited',
        '/v2/bot/message/multicast',
        'post',
        () => rateLimited('multicast', () => multicast({ to: followers, messages: hello })),
        429,
      ],
      ['broadcast accepted', '/v2/bot/message/broadcast', 'post', () => broadcast({ messages: hello }), 200],
      ['broadcast invalid', '/v2/bot/message/broadcast', 'post', () => broadcast({ messages: [] }), 400],
      [
        'broadcast repeated retry key',
        '/v2/bot/message/broadcast',
        'post',
        () => twice((h) => broadcast({ messages: hello }, h)),
        409,
      ],
      [
        'broadcast over the monthly limit',
        '/v2/bot/message/broadcast',
        'post',
        () => overQuota(() => broadcast({ messages: hello })),
        429,
      ],
      ['quota limited', '/v2/bot/message/quota', 'get', () => api().get('/v2/bot/message/quota').set(bearer()), 200],
      [
        'quota none',
        '/v2/bot/message/quota',
        'get',
        async () => {
          await api()
            .patch('/_sim/channels/ch1')
            .send({ quota: { type: 'none' } })
            .expect(200);
          return api().get('/v2/bot/message/quota').set(bearer());
        },
        200,
      ],
      [
        'consumption',
        '/v2/bot/message/quota/consumption',
        'get',
        () => api().get('/v2/bot/message/quota/consumption').set(bearer()),
        200,
      ],
      [
        'followers, first page with next',
        '/v2/bot/followers/ids',
        'get',
        () => api().get('/v2/bot/followers/ids').set(bearer()),
        200,
      ],
      [
        'followers, last page',
        '/v2/bot/followers/ids',
        'get',
        () => api().get('/v2/bot/followers/ids?limit=1000').set(bearer()),
        200,
      ],
      [
        'followers, limit too large',
        '/v2/bot/followers/ids',
        'get',
        () => api().get('/v2/bot/followers/ids?limit=5000').set(bearer()),
        400,
      ],
      ['bot info', '/v2/bot/info', 'get', () => api().get('/v2/bot/info').set(bearer()), 200],
      ['bot info unauthorized', '/v2/bot/info', 'get', () => api().get('/v2/bot/info').set(bearer('wrong')), 401],
      [
        'quota with a retry key',
        '/v2/bot/message/quota',
        'get',
        () => api().get('/v2/bot/message/quota').set(bearer()).set('X-Line-Retry-Key', randomUUID()),
        400,
      ],
      ...(['push', 'multicast', 'broadcast', 'narrowcast', 'reply'] as const).flatMap((kind): Case[] => [
        [
          `validate ${kind} ok`,
          `/v2/bot/message/validate/${kind}`,
          'post',
          () => api().post(`/v2/bot/message/validate/${kind}`).set(bearer()).send({ messages: hello }),
          200,
        ],
        [
          `validate ${kind} invalid`,
          `/v2/bot/message/validate/${kind}`,
          'post',
          () =>
            api()
              .post(`/v2/bot/message/validate/${kind}`)
              .set(bearer())
              .send({ messages: [{ type: 'nope' }] }),
          400,
        ],
      ]),
      ...(['multicast', 'push'] as const).flatMap((kind): Case[] => {
        const route = `/v2/bot/message/delivery/${kind}`;
        const today = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
        const sendToday = async (recipients: number) => {
          const ids = (await api().get('/v2/bot/followers/ids?limit=1000').set(bearer())).body.userIds.slice(
            0,
            recipients,
          );
          if (kind === 'multicast') await multicast({ to: ids, messages: hello }).expect(200);
          else for (const to of ids) await push({ to, messages: hello }).expect(200);
        };
        const nextDay = () => api().put('/_sim/clock').send({ offsetMs: 86_400_000 }).expect(200);
        return [
          [
            `${kind} count of today: unready`,
            route,
            'get',
            () => api().get(`${route}?date=${today()}`).set(bearer()),
            200,
          ],
          [
            `${kind} count of a past day: ready`,
            route,
            'get',
            async () => {
              const date = today();
              await sendToday(25);
              await nextDay();
              const response = await api().get(`${route}?date=${date}`).set(bearer());
              expect(response.body).toEqual({ status: 'ready', success: 25 });
              return response;
            },
            200,
          ],
          [
            `${kind} count under 20: unavailable_for_privacy`,
            route,
            'get',
            async () => {
              const date = today();
              await sendToday(3);
              await nextDay();
              return api().get(`${route}?date=${date}`).set(bearer());
            },
            200,
          ],
          [
            `${kind} count before 2018-03-31: out_of_service`,
            route,
            'get',
            () => api().get(`${route}?date=20180101`).set(bearer()),
            200,
          ],
          [
            `${kind} count of a malformed date`,
            route,
            'get',
            () => api().get(`${route}?date=2026-12-01`).set(bearer()),
            400,
          ],
        ];
      }),
      [
        'injected server error',
        '/v2/bot/message/multicast',
        'post',
        async () => {
          await api()
            .put('/_sim/channels/ch1/faults')
            .send({ script: ['server_error'] })
            .expect(200);
          return multicast({ to: followers, messages: hello });
        },
        500,
      ],
    ];

    it.each(cases)('%s: answers as the spec says', async (_name, route, method, call, status) => {
      const response = await call();
      expect(response.status).toBe(status);
      expectConforms(response, route, method);
    });

    it('translates the spec strictly enough to catch wrong answers and requests', () => {
      expect(errorsOf(responses.schema('ErrorResponse'), { message: 'x', detail: [] })).not.toBeNull(); // misspelt field
      expect(errorsOf(responses.schema('PushMessageResponse'), { sentMessages: [{ id: 1 }] })).not.toBeNull();
      expect(errorsOf(responses.schema('MessageQuotaResponse'), { type: 'unlimited' })).not.toBeNull();
      expect(errorsOf(responses.schema('MulticastResponse'), { accepted: true })).not.toBeNull();
      // Discriminators dispatch two levels down: message type → flex container → component.
      const flex = structuredClone(SAMPLE_MESSAGES.flexCarousel) as {
        contents: { contents: { body: { contents: Record<string, unknown>[] } }[] };
      };
      expect(errorsOf(requests.schema('Message'), flex)).toBeNull();
      flex.contents.contents[0].body.contents[0].weight = 'heavy';
      expect(errorsOf(requests.schema('Message'), flex)).not.toBeNull();
    });

    it('sends next on follower pages only while more ids remain', async () => {
      const first = await api().get('/v2/bot/followers/ids').set(bearer()).expect(200);
      expect(first.body.next).toEqual(expect.any(String));
      const all = await api().get('/v2/bot/followers/ids?limit=1000').set(bearer()).expect(200);
      expect(all.body.next).toBeUndefined();
    });

    describe('requests built from the spec', () => {
      it('covers every message, template, action, imagemap action and flex component type the spec maps', () => {
        const messages = Object.values(SAMPLE_MESSAGES);
        const json = JSON.stringify(messages);
        expect(new Set(messages.map((message) => message.type))).toEqual(
          new Set(requests.discriminatorValues('Message')),
        );
        for (const schema of ['Template', 'FlexContainer', 'FlexComponent', 'ImagemapAction', 'Action']) {
          // Rich menu switch actions exist only in rich menus, which LINE refuses in messages.
          const values = requests.discriminatorValues(schema).filter((value) => value !== 'richmenuswitch');
          expect({ schema, missing: values.filter((value) => !json.includes(`"type":"${value}"`)) }).toEqual({
            schema,
            missing: [],
          });
        }
      });

      it.each(Object.entries(SAMPLE_MESSAGES))('accepts a push of the spec-valid %s sample', async (_name, message) => {
        const body = { to: followers[0], messages: [message] };
        expect(errorsOf(requests.schema(requests.requestSchemaName('/v2/bot/message/push', 'post')), body)).toBeNull();
        await push(body).expect(200);
      });

      it('accepts spec-valid multicast, broadcast and validate requests with up to 5 objects each', async () => {
        const all = sampleMessages();
        for (let start = 0; start < all.length; start += 5) {
          const messages = all.slice(start, start + 5);
          const multicastBody = {
            to: followers,
            messages,
            notificationDisabled: true,
            customAggregationUnits: ['spring_sale'],
          };
          expect(
            errorsOf(requests.schema(requests.requestSchemaName('/v2/bot/message/multicast', 'post')), multicastBody),
          ).toBeNull();
          await multicast(multicastBody, { 'X-Line-Retry-Key': randomUUID() }).expect(200);
          const broadcastBody = { messages, notificationDisabled: false };
          expect(
            errorsOf(requests.schema(requests.requestSchemaName('/v2/bot/message/broadcast', 'post')), broadcastBody),
          ).toBeNull();
          await broadcast(broadcastBody).expect(200);
          expect(
            errorsOf(requests.schema(requests.requestSchemaName('/v2/bot/message/validate/push', 'post')), {
              messages,
            }),
          ).toBeNull();
          await api().post('/v2/bot/message/validate/push').set(bearer()).send({ messages }).expect(200);
        }
      });

      it.each([
        [
          'six message objects',
          '/v2/bot/message/push',
          { to: SAMPLE_USER_ID, messages: Array.from({ length: 6 }, () => hello[0]) },
        ],
        ['no messages', '/v2/bot/message/push', { to: SAMPLE_USER_ID }],
        ['no recipient', '/v2/bot/message/push', { messages: hello }],
        ['a text message without text', '/v2/bot/message/push', { to: SAMPLE_USER_ID, messages: [{ type: 'text' }] }],
        [
          'an image without a preview',
          '/v2/bot/message/push',
          { to: SAMPLE_USER_ID, messages: [{ type: 'image', originalContentUrl: 'https://example.com/a.jpg' }] },
        ],
        ['501 multicast recipients', '/v2/bot/message/multicast', { to: userIds(1, 501), messages: hello }],
        ['an empty multicast', '/v2/bot/message/multicast', { to: [], messages: hello }],
        [
          'two aggregation units',
          '/v2/bot/message/multicast',
          { to: followers, messages: hello, customAggregationUnits: ['a', 'b'] },
        ],
      ])('refuses a request the spec refuses: %s', async (_name, route, body) => {
        expect(errorsOf(requests.schema(requests.requestSchemaName(route, 'post')), body)).not.toBeNull();
        const response = await api().post(route).set(bearer()).send(body).expect(400);
        expectConforms(response, route, 'post');
      });
    });
  });
}
