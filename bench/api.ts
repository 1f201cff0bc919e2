// API latency under a fixed request rate: the reads a console makes and the writes a marketer makes,
// against the real service (its own process, as `npm start` runs it) on 100,000 contacts and 1,000
// campaigns. The load is an open model at a fixed rate from this process (fixed-rate.ts, which says
// why not autocannon's rate; autocannon's burst is still shown on the liveness probe, for the record);
// the baseline is the liveness probe (no database, no auth) at the same rate in the same run, so the
// ratios show what each route costs beyond the HTTP stack on this machine.
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { SEED_SQL } from './audiences';
import { fixedRate, FixedRateRequest } from './fixed-rate';
import {
  startServiceProcess,
  startSimulatorProcess,
  cpuSecondsOfChildren,
  http,
  openBenchDatabase,
  table,
} from './support';

const CONTACTS = Number(process.env.BENCH_API_CONTACTS ?? 100_000);
const CAMPAIGNS = Number(process.env.BENCH_API_CAMPAIGNS ?? 1_000);
const RATE = Number(process.env.BENCH_API_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
/** Of the same load before each route's measured seconds, not counted. */
const WARM_UP_SECONDS = 1;
/** The p99 the reads should stay under (all but the audience size, which counts its contacts). */
const READ_TARGET_MS = 50;
const CHANNEL_ID = '1999000002';

interface Route {
  name: string;
  kind: 'baseline' | 'read' | 'write' | 'comparison';
  /** The route template, as the service's metrics label it. */
  template: string;
  /** The next request (a write's body and path may change from one to the next). */
  request: () => FixedRateRequest;
  onResponse?: (status: number, body: string) => void;
  /** Load it with autocannon's overallRate instead (the comparison row). */
  autocannon?: boolean;
}

interface Measured {
  route: Route;
  p50: number;
  p99: number;
  sent: number;
  non2xx: number;
  errors: number;
  serverMeanMs: number;
  serviceCpuMsPerRequest: number;
  idleMs: number;
  firstMs: number;
}

/** The sum and count of the service's request-duration histogram for one route template. */
async function serverSeconds(base: string, token: string, template: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).text();
  let sum = 0;
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('lcm_http_request_duration_seconds_') || !line.includes(`route="${template}"`)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('lcm_http_request_duration_seconds_sum')) sum += value;
    if (line.startsWith('lcm_http_request_duration_seconds_count')) count += value;
  }
  return { sum, count };
}

export async function runApiBench(): Promise<void> {
  const log = (line: string) => console.log(`[api] ${line}`);
  const database = await openBenchDatabase();
  const adminToken = `lcm_bench_${randomBytes(16).toString('hex')}`;
  const simPort = 46_000 + Math.floor(Math.random() * 1000);
  let sim: Awaited<ReturnType<typeof startSimulatorProcess>> | null = null;
  let service: Awaited<ReturnType<typeof startServiceProcess>> | null = null;
  const db = new Client({ connectionString: database.url });
  try {
    sim = await startSimulatorProcess(simPort, {
      channelId: CHANNEL_ID,
      quota: { type: 'limited', value: 6000 },
      followerCount: CONTACTS,
    });
    const simUrl = sim.url;
    const accessToken = sim.accessToken;
    service = await startServiceProcess(simPort + 1000, {
      DATABASE_URL: database.url,
      ADMIN_TOKEN: adminToken,
      // Nothing is sent: the benchmark measures the API, not the pipeline (`npm run bench -- dispatch`).
      DISPATCH_ENABLED: 'false',
    });
    const root = service.root;
    const api = `${root}/api/v1`;
    log(`database: ${database.description}; node ${process.version}; ${RATE} requests/s for ${SECONDS} s a route`);

    // 1. The account, its contacts (generated inside PostgreSQL) and 1,000 campaigns.
    const account = await http<{ id: string }>(api, adminToken, 'POST', '/line-accounts', {
      name: 'Bench OA',
      channelId: CHANNEL_ID,
      channelAccessToken: accessToken,
      channelSecret: 'bench',
      plan: 'high',
      monthlyBudget: '10000000',
      apiBaseUrl: simUrl,
    });
    await db.connect();
    const seedStarted = performance.now();
    for (let from = 1; from <= CONTACTS; from += 50_000) {
      await db.query(SEED_SQL, [account.id, from, Math.min(CONTACTS, from + 49_999)]);
    }
    await db.query('VACUUM ANALYZE contacts');
    const marketer = await http<{ token: string }>(api, adminToken, 'POST', '/users', {
      email: 'bench-api-m@example.com',
      name: 'Bench marketer',
      role: 'marketer',
    });
    const audience = await http<{ id: string }>(api, marketer.token, 'POST', '/audiences', {
      lineAccountId: account.id,
      name: 'Taipei VIPs and newsletter readers',
      definition: {
        all: [{ any: [{ tag: 'vip' }, { tag: 'newsletter' }] }, { attribute: 'city', op: 'eq', value: 'Taipei' }],
      },
    });
    const campaignBody = (name: string) => ({
      lineAccountId: account.id,
      audienceId: audience.id,
      name,
      messages: [{ type: 'text', text: 'Autumn sale: 20% off this weekend' }],
      schedule: null,
      overBudgetPolicy: 'block',
    });
    let lastCampaign = '';
    for (let i = 0; i < CAMPAIGNS; i++) {
      lastCampaign = (await http<{ id: string }>(api, marketer.token, 'POST', '/campaigns', campaignBody(`Seed ${i}`)))
        .id;
    }
    await http(api, marketer.token, 'POST', `/campaigns/${lastCampaign}/submit`, {});
    const approver = await http<{ token: string }>(api, adminToken, 'POST', '/users', {
      email: 'bench-api-a@example.com',
      name: 'Bench approver',
      role: 'approver',
    });
    await http(api, approver.token, 'POST', `/campaigns/${lastCampaign}/approve`, { comment: 'bench' });
    const run = await http<{ id: string }>(api, approver.token, 'POST', `/campaigns/${lastCampaign}/send-now`, {});
    const runId = run.id;
    log(
      `seeded ${CONTACTS.toLocaleString('en')} contacts and ${CAMPAIGNS.toLocaleString('en')} campaigns in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
    );

    // 2. The routes. The drafts the create phase makes are the ones the submit phase submits.
    const headers = { Authorization: `Bearer ${marketer.token}`, 'Content-Type': 'application/json' };
    const drafts: string[] = [];
    let nextDraft = 0;
    const get = (path: string) => () => ({ path, headers });
    const routes: Route[] = [
      {
        name: 'GET /health/live (baseline)',
        kind: 'baseline',
        template: '/health/live',
        request: get('/health/live'),
      },
      {
        name: 'GET /campaigns (first page)',
        kind: 'read',
        template: '/api/v1/campaigns',
        request: get(`/api/v1/campaigns?lineAccountId=${account.id}`),
      },
      { name: 'GET /runs/:id', kind: 'read', template: '/api/v1/runs/:id', request: get(`/api/v1/runs/${runId}`) },
      {
        name: 'GET /line-accounts/:id/usage',
        kind: 'read',
        template: '/api/v1/line-accounts/:id/usage',
        request: get(`/api/v1/line-accounts/${account.id}/usage`),
      },
      {
        name: `GET /audiences/:id/size (${CONTACTS.toLocaleString('en')} contacts)`,
        kind: 'read',
        template: '/api/v1/audiences/:id/size',
        request: get(`/api/v1/audiences/${audience.id}/size`),
      },
      {
        name: 'POST /campaigns',
        kind: 'write',
        template: '/api/v1/campaigns',
        request: () => ({
          method: 'POST',
          path: '/api/v1/campaigns',
          headers,
          body: JSON.stringify(campaignBody('Bench draft')),
        }),
        onResponse: (status, body) => {
          if (status === 201) drafts.push((JSON.parse(body) as { id: string }).id);
        },
      },
      {
        name: 'POST /campaigns/:id/submit',
        kind: 'write',
        template: '/api/v1/campaigns/:id/submit',
        // One draft a request; when the drafts run out the requests go to the last one (and get 409s, counted).
        request: () => ({
          method: 'POST',
          path: `/api/v1/campaigns/${drafts[Math.min(nextDraft++, drafts.length - 1)]}/submit`,
          headers,
          body: '{}',
        }),
      },
      {
        name: "GET /health/live, autocannon's overallRate",
        kind: 'comparison',
        template: '/health/live',
        request: get('/health/live'),
        autocannon: true,
      },
    ];

    const measured: Measured[] = [];
    // BENCH_API_ROUTES=usage,campaigns: only the routes whose name contains one of these (and the baseline).
    const only = (process.env.BENCH_API_ROUTES ?? '').split(',').filter(Boolean);
    const chosen = routes.filter(
      (route) => route.kind === 'baseline' || !only.length || only.some((part) => route.name.includes(part)),
    );
    for (const route of chosen) {
      // The route's first request on this service (its code paths compiled, its caches filled), then
      // a second of the same load not counted: the table is the steady state, and the first is shown.
      const firstStarted = performance.now();
      const first = route.request();
      const firstAnswer = await fetch(`${root}${first.path}`, {
        method: first.method ?? 'GET',
        headers: first.headers,
        body: first.body,
      });
      route.onResponse?.(firstAnswer.status, await firstAnswer.text());
      const firstMs = performance.now() - firstStarted;
      if (!route.autocannon)
        await fixedRate({
          url: root,
          rate: RATE,
          seconds: WARM_UP_SECONDS,
          request: route.request,
          onResponse: route.onResponse,
        });
      const cpuBefore = cpuSecondsOfChildren().get(service.proc.child.pid!) ?? 0;
      const serverBefore = await serverSeconds(root, adminToken, route.template);
      const result = route.autocannon
        ? await autocannonLoad(root, route.request())
        : await fixedRate({
            url: root,
            rate: RATE,
            seconds: SECONDS,
            request: route.request,
            onResponse: route.onResponse,
          });
      const serverAfter = await serverSeconds(root, adminToken, route.template);
      const cpuAfter = cpuSecondsOfChildren().get(service.proc.child.pid!) ?? 0;
      // The same route once at a time on the quiet service: what a request costs without queueing.
      const idle: number[] = [];
      if (route.kind !== 'write') {
        for (let i = 0; i < 20; i++) {
          const started = performance.now();
          await fetch(`${root}${route.request().path}`, { headers });
          idle.push(performance.now() - started);
        }
      }
      const sent = result.sent;
      const served = serverAfter.count - serverBefore.count;
      measured.push({
        route,
        p50: result.p50,
        p99: result.p99,
        sent,
        non2xx: result.non2xx,
        errors: result.errors,
        serverMeanMs: served ? ((serverAfter.sum - serverBefore.sum) / served) * 1000 : NaN,
        serviceCpuMsPerRequest: sent ? ((cpuAfter - cpuBefore) / sent) * 1000 : NaN,
        idleMs: idle.length ? idle.sort((a, b) => a - b)[Math.floor(idle.length / 2)] : NaN,
        firstMs,
      });
    }

    const baseline = measured[0];
    const ms = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(1));
    console.log(
      table(
        [
          'route',
          'requests',
          'non-2xx',
          'p50 ms',
          'p99 ms',
          '× baseline p99',
          'server mean ms',
          'service CPU ms/req',
          'alone ms',
          'first ms',
        ],
        measured.map((m) => [
          m.route.name,
          m.sent,
          m.non2xx + m.errors,
          ms(m.p50),
          ms(m.p99),
          (m.p99 / Math.max(baseline.p99, 1)).toFixed(1),
          ms(m.serverMeanMs),
          ms(m.serviceCpuMsPerRequest),
          ms(m.idleMs),
          ms(m.firstMs),
        ]),
      ),
    );
    for (const m of measured.filter((m) => m.route.kind === 'read' && !m.route.template.endsWith('/size'))) {
      const verdict = m.p99 <= READ_TARGET_MS ? 'within' : 'ABOVE';
      console.log(`[api] ${m.route.name}: p99 ${ms(m.p99)} ms, ${verdict} the ${READ_TARGET_MS} ms target`);
    }
    for (const m of measured.filter(
      (m) => (m.route.kind === 'read' || m.route.kind === 'write') && m.p99 > READ_TARGET_MS,
    )) {
      // Where the time goes: inside the service (its mean time and its CPU per request) or in the queue.
      const queued = m.p99 - m.serverMeanMs;
      console.log(
        `[api] where ${m.route.name}'s p99 goes: ${ms(m.serverMeanMs)} ms mean inside the service (of which ${ms(m.serviceCpuMsPerRequest)} ms its own CPU; the rest waiting for PostgreSQL or behind other requests on the event loop), ${ms(queued)} ms above that in queues and tail; ${ms(m.idleMs)} ms when sent alone`,
      );
    }
  } finally {
    await db.end().catch(() => undefined);
    await service?.proc.stop();
    await sim?.proc.stop();
    await database.close();
  }
}

/**
 * The same rate through autocannon's overallRate, as the benchmark measured at first: 100
 * connections, each with a quota of requests per second that it spends at the start of its second.
 */
async function autocannonLoad(root: string, request: FixedRateRequest) {
  const result = await autocannon({
    url: root,
    connections: 100,
    overallRate: RATE,
    duration: SECONDS,
    headers: request.headers,
    requests: [{ path: request.path }],
  });
  return {
    sent: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
