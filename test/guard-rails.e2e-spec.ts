import { randomUUID } from 'node:crypto';
import { bearer, createTestApp, TestApp } from './support/app';

/**
 * Walks every route of the OpenAPI document, so it grows with the API: each one needs a token
 * (unless it is one of the few public ones) and no malformed input can produce a 5xx.
 */
const PUBLIC_ROUTES = [
  /^\/health(\/live|\/ready)?$/,
  /^\/api\/v1\/webhooks\/line\/\{accountId\}$/,
  /^\/api\/v1\/auth\/login$/,
  /^\/api\/v1\/auth\/invites\/\{token\}\/accept$/,
];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  security?: unknown[];
}

describe('guard rails over every route in the OpenAPI document', () => {
  let t: TestApp;
  let routes: { method: (typeof METHODS)[number]; path: string; operation: Operation }[];

  beforeAll(async () => {
    t = await createTestApp();
    const spec = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    routes = Object.entries(spec.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({ method, path, operation: item[method] })),
    );
  });
  afterAll(() => t.close());

  const fill = (path: string, value: string) => path.replace(/\{[^}]+\}/g, value);

  it('finds the routes (and the Swagger UI is served)', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const ui = await t.http().get('/api/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('answers 401 without a token on every non-public route, and documents the bearer scheme', async () => {
    const failures: string[] = [];
    for (const { method, path, operation } of routes) {
      if (PUBLIC_ROUTES.some((pattern) => pattern.test(path))) continue;
      if (!operation.security?.length) failures.push(`${method} ${path}: no bearer security in the document`);
      const response = await t.http()[method](fill(path, randomUUID())).send({});
      if (response.status !== 401) failures.push(`${method} ${path}: ${response.status}`);
      else if (response.body.statusCode !== 401 || !Array.isArray(response.body.details))
        failures.push(`${method} ${path}: not the error shape`);
    }
    expect(failures).toEqual([]);
  });

  it('never answers 5xx to malformed ids, bodies or queries', async () => {
    const failures: string[] = [];
    const bodies: unknown[] = [{ __unknown: { $where: "1'; DROP TABLE users; --" } }, [], { version: 'x', limit: -1 }];
    const call = (method: (typeof METHODS)[number], url: string) => t.http()[method](url);
    for (const { method, path } of routes) {
      const attempts = [
        t.http()[method](fill(path, 'not-a-uuid')).set(bearer(t.adminToken)).send({}),
        call(method, `${fill(path, randomUUID())}?limit=abc&cursor=%25%25&month=2026-13`)
          .set(bearer(t.adminToken))
          .send({}),
        ...bodies.map((body) =>
          call(method, fill(path, randomUUID()))
            .set(bearer(t.adminToken))
            .send(body as object),
        ),
        call(method, fill(path, randomUUID()))
          .set(bearer(t.adminToken))
          .set('Content-Type', 'application/json')
          .send('{"broken": '),
      ];
      for (const response of await Promise.all(attempts)) {
        if (response.status >= 500)
          failures.push(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
        else if (
          response.status >= 400 &&
          (typeof response.body.message !== 'string' || !Array.isArray(response.body.details))
        ) {
          failures.push(`${method} ${path}: ${response.status} without the error shape`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
