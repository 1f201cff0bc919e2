import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestApp, TestApp } from './support/app';

/** The built console at `/`, on the same origin as the API, which it never shadows. */
describe('serving the console', () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'lcm-console-'));
  const INDEX =
    '<!doctype html><title>console fixture</title><script type="module" src="/assets/index-AbC123.js"></script>';
  let t: TestApp;
  beforeAll(async () => {
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
    fs.writeFileSync(path.join(dist, 'assets', 'index-AbC123.js'), 'console.log("fixture")');
    fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    t = await createTestApp({ CONSOLE_DIR: dist });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and for client routes, revalidated on every load', async () => {
    for (const route of ['/', '/campaigns/123', '/invite/some-token', '/admin/users?tab=roles']) {
      const page = await t.http().get(route).expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toBe(INDEX);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['referrer-policy']).toBe('same-origin');
      expect(page.headers['x-frame-options']).toBe('DENY');
    }
    const etag = (await t.http().get('/').expect(200)).headers.etag;
    expect(etag).toBeDefined();
    await t.http().get('/').set('If-None-Match', etag).expect(304);
  });

  it('serves hashed assets as immutable and other files revalidated; a missing file is a 404, not the page', async () => {
    const asset = await t.http().get('/assets/index-AbC123.js').expect(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await t.http().get('/favicon.svg').expect(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
    const missing = await t.http().get('/assets/index-Gone99.js').expect(404);
    expect(missing.text).not.toContain('console fixture');
  });

  it('leaves the API, its docs, health and other methods to the service', async () => {
    const unknown = await t.http().get('/api/v1/no-such-route').expect(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, details: [] });
    await t.http().get('/api/v1/me').expect(401);
    expect((await t.http().get('/health').expect(200)).body).toMatchObject({ status: 'ok' });
    await t.http().get('/api/docs-json').expect(200);
    const post = await t.http().post('/campaigns/123').send({});
    expect(post.status).toBe(404);
    expect(post.text).not.toContain('console fixture');
  });
});

describe('without a built console', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CONSOLE_DIR: path.join(os.tmpdir(), 'lcm-no-console-here') });
  });
  afterAll(() => t.close());

  it('still serves the API', async () => {
    await t.http().get('/').expect(404);
    await t.http().get('/health').expect(200);
  });
});
