import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixedRate, quantile } from './fixed-rate';

describe('fixedRate', () => {
  let server: http.Server;
  let url: string;
  const arrivals: number[] = [];
  let delayMs = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      arrivals.push(performance.now());
      setTimeout(() => res.writeHead(req.url === '/missing' ? 404 : 200).end('ok'), delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    arrivals.length = 0;
    delayMs = 0;
  });

  it('spreads the requests evenly over each second instead of sending a second’s quota at once', async () => {
    const result = await fixedRate({ url, rate: 100, seconds: 1, request: () => ({ path: '/' }) });
    expect(result).toMatchObject({ sent: 100, non2xx: 0, errors: 0 });
    expect(arrivals).toHaveLength(100);
    // At 100/s one is due every 10 ms: no 50 ms window holds more than a timer's slip beyond its 5.
    const busiest = Math.max(...arrivals.map((at) => arrivals.filter((t) => t >= at && t < at + 50).length));
    expect(busiest).toBeLessThanOrEqual(8);
    expect(arrivals[99] - arrivals[0]).toBeGreaterThan(900);
  });

  it('keeps sending on time while answers are slow, and times each from when it was due', async () => {
    delayMs = 200;
    const result = await fixedRate({ url, rate: 50, seconds: 1, request: () => ({ path: '/' }) });
    // Closed-loop clients would wait for answers; here all 50 went out within the second.
    expect(arrivals[49] - arrivals[0]).toBeLessThan(1100);
    expect(result.p50).toBeGreaterThanOrEqual(200);
  });

  it('counts answers other than 2xx and hands each answer to onResponse', async () => {
    const seen: number[] = [];
    const result = await fixedRate({
      url,
      rate: 20,
      seconds: 0.5,
      request: () => ({ path: seen.length % 2 ? '/missing' : '/' }),
      onResponse: (status, body) => {
        expect(body).toBe('ok');
        seen.push(status);
      },
    });
    expect(result.sent).toBe(10);
    expect(result.non2xx).toBe(seen.filter((status) => status === 404).length);
    expect(seen).toHaveLength(10);
  });

  it('takes quantiles by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.99)).toBe(99);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
