import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearer, createTestApp, TestApp } from './support/app';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The local port of the socket it came on: the same port means the same connection. */
  localPort: number | undefined;
}

/** One request through `agent`, its body written in chunks (as a client streams an upload). */
function send(
  agent: http.Agent,
  port: number,
  options: { method: string; path: string; headers?: Record<string, string>; chunks?: Buffer[] },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, agent, method: options.method, path: options.path, headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body, localPort: req.socket?.localPort }),
        );
      },
    );
    req.on('error', reject);
    const chunks = options.chunks ?? [];
    const writeNext = (index: number) => {
      if (index === chunks.length) return req.end();
      // A server that answers early and closes may make further writes fail: the answer still counts.
      if (!req.write(chunks[index])) req.once('drain', () => writeNext(index + 1));
      else setImmediate(() => writeNext(index + 1));
    };
    writeNext(0);
  });
}

/** Issue 11, point 4: a request refused before its body is read must not poison its keep-alive connection. */
describe('HTTP hygiene: a refused upload leaves the connection usable', () => {
  let t: TestApp;
  let port: number;
  let accountId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    accountId = (
      await t
        .http()
        .post('/api/v1/line-accounts')
        .set(bearer(t.adminToken))
        .send({
          name: 'Hygiene',
          channelId: '1650000001',
          channelAccessToken: 'token',
          channelSecret: 'secret',
          plan: 'high',
          monthlyBudget: '500',
        })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  // A bad header, then 2 MiB of rows the server will never read, written in 32 chunks.
  const rows = Buffer.from(`U${'0'.repeat(32)},x,y\n`.repeat(64 * 1024));
  const upload = [
    Buffer.from('name,city,tags\n'),
    ...Array.from({ length: 32 }, (_, i) => rows.subarray((i * rows.length) / 32, ((i + 1) * rows.length) / 32)),
  ];

  it.each([
    ['refused at its header', true, 400, 'header'],
    ['refused for want of a token', false, 401, undefined],
  ])(
    'answers a CSV import %s with Connection: close, and the next request on the agent goes through at once',
    async (_, withToken, status, field) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const refused = await send(agent, port, {
          method: 'POST',
          path: `/api/v1/line-accounts/${accountId}/contacts/import`,
          headers: { ...(withToken ? bearer(t.adminToken) : {}), 'Content-Type': 'text/csv' },
          chunks: upload,
        });
        expect(refused.status).toBe(status);
        if (field) expect(JSON.parse(refused.body)).toMatchObject({ details: [{ field }] });
        expect(refused.headers.connection).toBe('close');

        const started = Date.now();
        const next = await send(agent, port, { method: 'GET', path: '/health' });
        expect(next.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(1000);
      } finally {
        agent.destroy();
      }
    },
  );

  it('keeps the connection of a request whose body was read to the end', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(agent, port, {
        method: 'POST',
        path: `/api/v1/line-accounts/${accountId}/contacts/import`,
        headers: { ...bearer(t.adminToken), 'Content-Type': 'text/csv' },
        chunks: [Buffer.from('lineUserId\nnot-a-user\n')],
      });
      expect(refused.status).toBe(200);
      expect(refused.headers.connection).toBe('keep-alive');
      const next = await send(agent, port, { method: 'GET', path: '/health' });
      expect(next.status).toBe(200);
      expect(next.localPort).toBe(refused.localPort);
    } finally {
      agent.destroy();
    }
  });
});
