import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHttpFetch } from './node-http-fetch';

describe('nodeHttpFetch (the SDK transport over node:http)', () => {
  let server: http.Server;
  let base: string;
  const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.url === '/empty') return void res.writeHead(204, { 'X-Line-Request-Id': 'r-204' }).end();
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
        res
          .writeHead(409, { 'Content-Type': 'application/json', 'X-Line-Accepted-Request-Id': 'first' })
          .end(JSON.stringify({ message: 'dup', echo: body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends method, headers and the JSON body, and answers with status, headers and body as fetch would', async () => {
    const body = JSON.stringify({ to: ['U1'], text: 'héllo' });
    const response = await nodeHttpFetch(
      `${base}/post`,
      { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Line-Retry-Key': 'k' }, body },
      new AbortController().signal,
    )!;
    expect(response.status).toBe(409);
    expect(response.ok).toBe(false);
    expect(response.headers.get('x-line-accepted-request-id')).toBe('first');
    expect(await response.json()).toEqual({ message: 'dup', echo: body });
    const request = seen[seen.length - 1];
    expect(request).toMatchObject({ method: 'POST', body });
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'x-line-retry-key': 'k',
      'content-length': String(Buffer.byteLength(body)),
    });
  });

  it('gives a bodiless answer (204) a null body rather than failing', async () => {
    const response = await nodeHttpFetch(`${base}/empty`, {}, new AbortController().signal)!;
    expect(response.status).toBe(204);
    expect(response.headers.get('x-line-request-id')).toBe('r-204');
    expect(await response.text()).toBe('');
  });

  it('reports a refused connection as fetch does ("fetch failed" with the cause) and an abort as AbortError', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await nodeHttpFetch(`http://127.0.0.1:${port}/`, {}, new AbortController().signal)!.catch(
      (error: Error) => error,
    );
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError).message).toBe('fetch failed');
    expect(((refused as TypeError).cause as { code?: string }).code).toBe('ECONNREFUSED');

    const controller = new AbortController();
    const pending = nodeHttpFetch(`${base}/slow`, {}, controller.signal)!.catch((error: Error) => error);
    setTimeout(() => controller.abort(), 50);
    expect(((await pending) as Error).name).toBe('AbortError');
  });

  it('leaves what it does not carry to the global fetch', () => {
    const signal = new AbortController().signal;
    expect(nodeHttpFetch(`${base}/`, { method: 'POST', body: new Blob(['image']) }, signal)).toBeNull();
    expect(nodeHttpFetch(new Request(`${base}/`), {}, signal)).toBeNull();
    expect(nodeHttpFetch('data:text/plain,hi', {}, signal)).toBeNull();
  });
});
