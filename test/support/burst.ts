import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './app';

export interface BurstResult {
  /** Status of each call, in the order they were made. */
  statuses: number[];
  /** Bodies by status, for messages when something unexpected came back. */
  bodies: { status: number; body: unknown }[];
  /** From the first call made to the last answer. */
  elapsedMs: number;
  /** The longest the process's event loop was blocked meanwhile (server and clients share it). */
  eventLoopDelayMaxMs: number;
  /** The slowest `/health` answer while the burst ran (polled back to back). */
  healthMaxMs: number;
  healthPolls: number;
  /** Any `/health` answer that wasn't 200. */
  healthFailures: number[];
}

/** The app's base URL; listens on a free port the first time (the burst needs a real socket per call). */
export async function baseUrl(t: TestApp): Promise<string> {
  const server = t.app.getHttpServer() as import('node:http').Server;
  if (!server.listening) await t.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * `count` identical calls at once (each on its own connection), with `/health` polled back to back
 * until the last one answered.
 */
export async function burst(
  t: TestApp,
  call: { method: 'POST' | 'PATCH'; path: string; token: string; body: unknown },
  options: { count?: number; holdCampaignLockMs?: { id: string; ms: number } } = {},
): Promise<BurstResult> {
  const count = options.count ?? 50;
  const url = await baseUrl(t);
  // Another session holds the campaign's row lock while the calls arrive, so they all pile up on it at once.
  const holder = options.holdCampaignLockMs ? await t.db.pool.connect() : null;
  if (holder) {
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM campaigns WHERE id = $1 FOR UPDATE', [options.holdCampaignLockMs!.id]);
    setTimeout(() => {
      void holder
        .query('COMMIT')
        .finally(() => holder.release())
        .catch(() => undefined);
    }, options.holdCampaignLockMs!.ms);
  }
  let done = false;
  let healthMaxMs = 0;
  let healthPolls = 0;
  const healthFailures: number[] = [];
  // Its own keep-alive connection, apart from the burst's client, as a monitor would poll.
  const healthAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const poller = (async () => {
    while (!done) {
      const started = performance.now();
      const status = await getStatus(`${url}/health`, healthAgent);
      healthMaxMs = Math.max(healthMaxMs, performance.now() - started);
      healthPolls++;
      if (status !== 200) healthFailures.push(status);
    }
  })();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: count }, async () => {
      const response = await fetch(`${url}${call.path}`, {
        method: call.method,
        headers: { Authorization: `Bearer ${call.token}`, 'Content-Type': 'application/json', Connection: 'close' },
        body: JSON.stringify(call.body),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body };
    }),
  );
  const elapsedMs = performance.now() - started;
  done = true;
  await poller;
  healthAgent.destroy();
  lag.disable();
  return {
    statuses: answers.map((answer) => answer.status),
    bodies: answers,
    elapsedMs,
    eventLoopDelayMaxMs: lag.max / 1e6,
    healthMaxMs,
    healthPolls,
    healthFailures,
  };
}

function getStatus(url: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** How many answers had each status, e.g. `{ 200: 1, 409: 49 }`. */
export function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
