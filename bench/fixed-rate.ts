// An open-model load at a fixed rate: request i is due at start + i / rate and is sent then, whatever
// the earlier ones are doing, and its latency is counted from when it was due (so time spent waiting
// for a free socket or for this process's event loop counts too: no coordinated omission).
//
// Why not autocannon, which the API benchmark used first: its `overallRate` is a quota per connection
// per second, reset by one timer a second per connection (lib/httpClient.js, `rateInterval`), so each
// connection spends its quota at the start of its second and 200 requests/s over 100 connections
// arrive as a burst of 200 once a second. What it measured was how long the service takes to drain
// that burst (the liveness probe, 0.8 ms inside the service, had a 171 ms p99), not its latency at
// 200 requests/s. README, "API latency", has both side by side.
import http from 'node:http';

export interface FixedRateRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface FixedRateResult {
  /** Requests sent (all of them: rate × seconds). */
  sent: number;
  non2xx: number;
  /** Requests that failed without an answer (a refused or reset connection). */
  errors: number;
  /** Milliseconds from when each request was due to its answer's end. */
  p50: number;
  p99: number;
  max: number;
}

export interface FixedRateOptions {
  /** The service's root, e.g. http://127.0.0.1:3000. */
  url: string;
  rate: number;
  seconds: number;
  /** The next request to send (called when it is due). */
  request: () => FixedRateRequest;
  /** Called with each answer's status and body (the body is read only when this is given). */
  onResponse?: (status: number, body: string) => void;
  /** Keep-alive connections at most; a request due while all are busy waits for one (and that counts). */
  maxSockets?: number;
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export async function fixedRate(options: FixedRateOptions): Promise<FixedRateResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  const total = Math.round(options.rate * options.seconds);
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const { hostname, port } = new URL(options.url);

  const send = (dueAt: number): Promise<void> =>
    new Promise((resolve) => {
      const spec = options.request();
      const req = http.request(
        { agent, hostname, port, method: spec.method ?? 'GET', path: spec.path, headers: spec.headers },
        (res) => {
          const chunks: Buffer[] = [];
          if (options.onResponse) res.on('data', (chunk: Buffer) => chunks.push(chunk));
          else res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - dueAt);
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) non2xx++;
            options.onResponse?.(status, Buffer.concat(chunks).toString('utf8'));
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(spec.body);
    });

  const started = performance.now();
  let next = 0;
  while (next < total) {
    const now = performance.now();
    // Everything due by now goes out now, each timed from its own due instant.
    while (next < total && started + next * intervalMs <= now) {
      inFlight.push(send(started + next * intervalMs));
      next++;
    }
    const wait = started + next * intervalMs - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.floor(wait))));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    sent: total,
    non2xx,
    errors,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}
