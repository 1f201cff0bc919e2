// What benchmarks share: a database of their own, the service in-process on a free port, a sampler
// of the process's memory, and a few timing helpers.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  ensureDatabase,
  quoteIdentifier,
  repoRoot,
  runMigrations,
  startEmbeddedPostgres,
  withDatabaseName,
} from '@lcm/database';
import { Client } from 'pg';
import { readAppConfig } from '../apps/api/src/config/app-config';
import { createApp } from '../apps/api/src/create-app';
import { UsersService } from '../apps/api/src/users/users.service';

export interface BenchDatabase {
  url: string;
  /** "embedded PostgreSQL 18.1" or "DATABASE_URL (PostgreSQL 15.x)". */
  description: string;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database: on the server of DATABASE_URL when it is set (dropped afterwards),
 * else on an embedded PostgreSQL in a temporary folder (removed afterwards).
 */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const name = `lcm_bench_${randomBytes(4).toString('hex')}`;
  let serverUrl = process.env.DATABASE_URL;
  let stopServer = async () => undefined;
  let kind = 'DATABASE_URL';
  if (!serverUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lcm-bench-pg-'));
    fs.chmodSync(dir, 0o755); // the embedded server runs as the postgres user
    const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data') });
    serverUrl = server.url;
    kind = 'embedded';
    stopServer = async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  try {
    await ensureDatabase(serverUrl, name);
    const url = withDatabaseName(serverUrl, name);
    await runMigrations({ connectionString: url });
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>(`SHOW server_version`);
    await client.end();
    const server = serverUrl;
    return {
      url,
      description: `${kind} PostgreSQL ${rows[0].server_version.split(' ')[0]}`,
      close: async () => {
        if (kind === 'DATABASE_URL') {
          const admin = new Client({ connectionString: server });
          await admin.connect();
          await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
          await admin.end();
        }
        await stopServer();
      },
    };
  } catch (error) {
    await stopServer();
    throw error;
  }
}

export interface BenchApp {
  app: INestApplication;
  baseUrl: string;
  adminToken: string;
  close(): Promise<void>;
}

/** The real service, in this process, listening on a free port of the loopback interface. */
export async function startBenchApp(databaseUrl: string): Promise<BenchApp> {
  const config = readAppConfig({
    LOG_LEVEL: 'silent',
    LINE_SIMULATOR: 'off',
    QUOTA_SYNC_INTERVAL_SECONDS: '0',
    DISPATCH_ENABLED: 'false',
    DATABASE_URL: databaseUrl,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { token } = await app.get(UsersService).bootstrapFirstAdmin(null);
  const address = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${address.port}/api/v1`, adminToken: token!, close: () => app.close() };
}

/** JSON over HTTP with the token; throws on a non-2xx answer. */
export async function api<T>(bench: BenchApp, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${bench.baseUrl}${route}`, {
    method,
    headers: {
      Authorization: `Bearer ${bench.adminToken}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Samples the process's resident set size; `peak` is the largest seen since the last reset. */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  peak = 0;

  start(intervalMs = 10): this {
    this.reset();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  sample(): number {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
    return rss;
  }

  reset(): void {
    this.peak = process.memoryUsage().rss;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** `npm run bench -- <name> --key=value`: the value of --key, or undefined. */
export function benchOption(key: string): string | undefined {
  const prefix = `--${key}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A plain-text table with right-aligned numbers. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  return [
    line(cells[0]),
    `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

/**
 * CPU seconds (user + system, with reaped children) of each child process of this one and its
 * descendants, by the child's pid: what the service, the simulator and an embedded PostgreSQL
 * each spent, read from /proc. Empty where /proc is not there.
 */
export function cpuSecondsOfChildren(): Map<number, number> {
  const ticksPerSecond = 100; // USER_HZ, the unit of /proc/<pid>/stat on Linux
  const parentOf = new Map<number, number>();
  const ticksOf = new Map<number, number>();
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return new Map();
  }
  for (const entry of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
      parentOf.set(Number(entry), Number(fields[1]));
      ticksOf.set(Number(entry), Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]));
    } catch {
      // the process ended while we looked
    }
  }
  const result = new Map<number, number>();
  for (const [pid, ticks] of ticksOf) {
    let child = pid;
    let parent = parentOf.get(child);
    while (parent !== undefined && parent !== process.pid && parent > 1) {
      child = parent;
      parent = parentOf.get(child);
    }
    if (parent === process.pid) result.set(child, (result.get(child) ?? 0) + ticks / ticksPerSecond);
  }
  return result;
}

/** A node process of the benchmark's own (the service, the simulator). */
export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Peak resident set size so far, from the kernel (VmHWM). */
  peakRss(): number;
  stop(): Promise<void>;
}

/** The node flags `npm start` gives the service, so that the service is measured as users run it. */
export function serviceNodeFlags(): string[] {
  const start = (
    JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts.start;
  const flags = /\bnode((?: --\S+)*) dist\/apps\/api\/src\/main\.js/.exec(start);
  if (!flags) throw new Error(`can't find how \`npm start\` runs the service in: ${start}`);
  return flags[1].split(' ').filter(Boolean);
}

export function spawnNode(script: string, args: string[], env: Record<string, string>, nodeFlags: string[] = []): Proc {
  // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to the service and the simulator.
  const nodeArgs = [...nodeFlags, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, path.join(repoRoot(), script), ...args], {
    cwd: repoRoot(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output = (output + chunk).slice(-20_000);
    if (process.env.BENCH_TRACE_OUTPUT) fs.appendFileSync(`${process.env.BENCH_TRACE_OUTPUT}.${child.pid}`, chunk);
  });
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  return {
    child,
    output: () => output,
    peakRss: () => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export async function http<T>(
  base: string,
  token: string | null,
  method: string,
  route: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The LINE simulator as its own process, answering, with one channel registered (its access token made here). */
export async function startSimulatorProcess(
  port: number,
  channel: { channelId: string; quota: Record<string, unknown>; followerCount: number },
): Promise<{ proc: Proc; url: string; accessToken: string }> {
  const proc = spawnNode('dist/apps/line-simulator/src/main.js', ['--port', String(port)], {});
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('the simulator', () => fetch(`${url}/_sim/health`).then((r) => r.ok), 30_000);
    const accessToken = `bench-${randomBytes(16).toString('hex')}`;
    await http(url, null, 'PUT', `/_sim/channels/${channel.channelId}`, {
      accessToken,
      channelSecret: 'bench',
      quota: channel.quota,
      followerCount: channel.followerCount,
    });
    return { proc, url, accessToken };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/**
 * The compiled service as its own process, with the Node flags of `npm start`, no LINE simulator of
 * its own and no quota sync, `env` on top; resolved once /health/ready answers.
 */
export async function startServiceProcess(
  port: number,
  env: Record<string, string> & { DATABASE_URL: string; ADMIN_TOKEN: string },
): Promise<{ proc: Proc; root: string }> {
  const proc = spawnNode(
    'dist/apps/api/src/main.js',
    [],
    { PORT: String(port), LINE_SIMULATOR: 'off', LOG_LEVEL: 'warn', QUOTA_SYNC_INTERVAL_SECONDS: '0', ...env },
    serviceNodeFlags(),
  );
  const root = `http://127.0.0.1:${port}`;
  try {
    await waitFor('the service', () => fetch(`${root}/health/ready`).then((r) => r.ok), 60_000);
    return { proc, root };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/**
 * What a benchmark of the service as its own processes opens: a database of its own, an admin
 * token, a port for the simulator (the service's is 1000 above it) and a client on the database.
 * The simulator and service it starts are set here, so that close() stops whatever did start.
 */
export interface ProcessBench {
  database: BenchDatabase;
  adminToken: string;
  simPort: number;
  db: Client;
  sim: Awaited<ReturnType<typeof startSimulatorProcess>> | null;
  service: Awaited<ReturnType<typeof startServiceProcess>> | null;
  close(): Promise<void>;
}

export async function openProcessBench(portBase: number): Promise<ProcessBench> {
  const database = await openBenchDatabase();
  const bench: ProcessBench = {
    database,
    adminToken: `lcm_bench_${randomBytes(16).toString('hex')}`,
    simPort: portBase + Math.floor(Math.random() * 1000),
    db: new Client({ connectionString: database.url }),
    sim: null,
    service: null,
    close: async () => {
      await bench.db.end().catch(() => undefined);
      await bench.service?.proc.stop();
      await bench.sim?.proc.stop();
      await database.close();
    },
  };
  return bench;
}

/** The simulator's followers as the account's contacts: its ids are U + md5("<channel>:follower:<index>"). */
export async function seedFollowerContacts(db: Client, accountId: string, channelId: string, count: number) {
  await db.query(
    `INSERT INTO contacts (id, line_account_id, line_user_id, status, followed_at)
     SELECT gen_random_uuid(), $1::uuid, 'U' || md5($2 || ':follower:' || i), 'following', now() FROM generate_series(0, $3 - 1) AS i`,
    [accountId, channelId, count],
  );
}

/** A marketer and an approver (emails `<prefix>-m@example.com`, `<prefix>-a@…`) and an audience of every follower. */
export async function sendingUsers(api: string, adminToken: string, accountId: string, prefix: string) {
  const marketer = await http<{ token: string }>(api, adminToken, 'POST', '/users', {
    email: `${prefix}-m@example.com`,
    name: 'M',
    role: 'marketer',
  });
  const approver = await http<{ token: string }>(api, adminToken, 'POST', '/users', {
    email: `${prefix}-a@example.com`,
    name: 'A',
    role: 'approver',
  });
  const audience = await http<{ id: string }>(api, marketer.token, 'POST', '/audiences', {
    lineAccountId: accountId,
    name: 'All',
    definition: { not: { tag: 'excluded' } },
  });
  return { marketer, approver, audience };
}
