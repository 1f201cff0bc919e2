import { bearer, createTestApp, TestApp } from './support/app';

interface Operation {
  summary?: string;
  requestBody?: { required?: boolean; content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
}
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[] }> };
};

const ERROR_STATUSES = ['400', '401', '403', '404', '409', '422'];

/** The OpenAPI document says what the routes really do: errors, optional bodies, approve's run. */
describe('OpenAPI document', () => {
  let t: TestApp;
  let document: Document;
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
    );

  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http().get('/api/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  it("documents every route's error answers with the one error shape", () => {
    // A route may describe a status its own way (send-now's 422 carries the blocked run); none may leave one out.
    const missing = operations()
      .filter(({ name }) => !name.includes(' /health'))
      .flatMap(({ name, operation }) =>
        ERROR_STATUSES.filter((status) => !operation.responses[status]).map((status) => `${name} ${status}`),
      );
    expect(missing).toEqual([]);
    const audit = document.paths['/api/v1/audit'].get.responses;
    for (const status of ERROR_STATUSES)
      expect(audit[status].content!['application/json'].schema.$ref).toMatch(/ApiErrorResponseDto$/);
    expect(document.components.schemas.ApiErrorResponseDto.required).toEqual(
      expect.arrayContaining(['statusCode', 'error', 'message', 'details']),
    );
    expect(operations().length).toBeGreaterThan(40);
  });

  it('marks a request body required only when something in it is', () => {
    const wrong = operations().flatMap(({ name, operation }) => {
      const body = operation.requestBody;
      const ref = body?.content['application/json']?.schema.$ref;
      if (!body?.required || !ref) return [];
      const schema = document.components.schemas[ref.split('/').pop()!];
      return schema.required?.length ? [] : [name];
    });
    expect(wrong).toEqual([]);
    const submit = document.paths['/api/v1/campaigns/{id}/submit'].post;
    expect(submit.requestBody?.required).toBe(false);
  });

  it("requires a recurring schedule's until, as the service does (a one-off's at too)", () => {
    const create = document.components.schemas.CampaignCreateDto as {
      properties: { schedule: { oneOf: { $ref: string }[] } };
    };
    const shapes = create.properties.schedule.oneOf.map(
      (ref) => document.components.schemas[ref.$ref.split('/').pop()!] as { required?: string[] },
    );
    expect(shapes.map((shape) => [...(shape.required ?? [])].sort())).toEqual([['at'], ['cron', 'timezone', 'until']]);
  });

  it('says approve creates a run only for a scheduled campaign, and submit and approve answer with the forecast', () => {
    const approve = document.paths['/api/v1/campaigns/{id}/approve'].post;
    expect(approve.summary).toMatch(
      /a scheduled campaign gets its first run, an unscheduled one is sent with send-now/,
    );
    for (const path of ['/api/v1/campaigns/{id}/submit', '/api/v1/campaigns/{id}/approve'])
      expect(document.paths[path].post.responses['200'].content!['application/json'].schema.$ref).toMatch(
        /CampaignDecisionResponseDto$/,
      );
  });

  it('takes those optional bodies left out: submit and withdraw with no body at all', async () => {
    const marketer = await t.createUser('marketer');
    const account = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send({
        name: 'Docs store',
        channelId: String(1_600_000_000 + Math.floor(Math.random() * 1_000_000)),
        channelAccessToken: 'token',
        channelSecret: 'secret',
        plan: 'high',
        monthlyBudget: '500',
      })
      .expect(201);
    const audience = await t
      .http()
      .post('/api/v1/audiences')
      .set(bearer(marketer.token))
      .send({ lineAccountId: account.body.id, name: 'Everyone', definition: { all: [] } })
      .expect(201);
    const campaign = await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(marketer.token))
      .send({
        lineAccountId: account.body.id,
        audienceId: audience.body.id,
        name: 'No body',
        messages: [{ type: 'text', text: 'Hello' }],
      })
      .expect(201);
    const submitted = await t.http().post(`/api/v1/campaigns/${campaign.body.id}/submit`).set(bearer(marketer.token));
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'pending_approval', forecast: { verdict: expect.any(String) } });
    const withdrawn = await t.http().post(`/api/v1/campaigns/${campaign.body.id}/withdraw`).set(bearer(marketer.token));
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('draft');
  });

  it('describes the bearer token as the opaque lcm_ string it is, not a JWT', () => {
    const scheme = (document as unknown as { components: { securitySchemes: Record<string, Record<string, string>> } })
      .components.securitySchemes.bearer;
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(scheme.bearerFormat).not.toMatch(/JWT/);
    expect(scheme.description).toContain('lcm_');
  });
});
