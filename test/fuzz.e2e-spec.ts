import { createHmac, randomUUID } from 'node:crypto';
import { ModulesContainer } from '@nestjs/core';
import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { PUBLIC_KEY, ROLES_KEY } from '../apps/api/src/auth/auth.decorators';
import { bearer, createTestApp, TestApp } from './support/app';
import {
  changedTables,
  fingerprint,
  FuzzRequest,
  Mutation,
  mutationsOf,
  sample,
  sampleOf,
  seededRandom,
} from './support/fuzz';

/**
 * Issue 11's proof: every operation of the OpenAPI document, called with a token of a role allowed
 * to call it, gets a fixed set of hostile mutations of a valid request (test/support/fuzz.ts). No
 * answer may be a 5xx, every 4xx has the error shape, and a 4xx leaves the database as it was
 * (row counts and an md5 of every table). By default a seeded sample of each operation's
 * mutations runs (FUZZ_SEED picks it, FUZZ_SAMPLE how many per operation); FUZZ_FULL=1 runs all.
 *
 * Operations get their valid request from EXAMPLES below, keyed "METHOD /path" as in the document;
 * a route added later without an entry falls back to a body built from its schema and path
 * parameters named after the collection they follow, so it is fuzzed from the day it lands.
 */
const FULL = process.env.FUZZ_FULL === '1';
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const PER_OPERATION = Number(process.env.FUZZ_SAMPLE ?? 30);
/** FUZZ_ONLY=<regex> fuzzes only the operations whose "METHOD /path" matches (a new route, quickly). */
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : null;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Refusals the contract says are kept on record: a send-now or retry the budget gate refuses (422). */
const RECORDED_REFUSALS = [/^POST \/api\/v1\/campaigns\/\{id\}\/send-now$/, /^POST \/api\/v1\/runs\/\{id\}\/retry$/];
/**
 * …and a wrong password (a sign-in's 401, a password change's 400 on currentPassword, 429 once
 * throttled), counted in login_throttles so guessing slows down; a failed sign-in against a real
 * user is also in the audit log.
 */
const COUNTED_PASSWORD_GUESSES = /^(POST \/api\/v1\/auth\/login|PUT \/api\/v1\/me\/password)$/;

type Role = 'admin' | 'marketer' | 'approver';

interface Fixtures {
  tokens: Record<Role, string>;
  spareUserId: string;
  accountId: string;
  channelSecret: string;
  lineUserIds: string[];
  audienceId: string;
  spareAudienceIds: string[];
  campaigns: {
    draft: string;
    draft2: string;
    abDraft: string;
    pending: string;
    pending2: string;
    approved: string;
    approved2: string;
  };
  runId: string;
  version(table: string, id: string): Promise<number>;
}

const SIGNER_PASSWORD = 'correct horse battery staple';

type Example = Partial<FuzzRequest> & { role?: Role; sign?: boolean };
type ExampleMaker = (fx: Fixtures) => Promise<Example> | Example;
const future = () => new Date(Date.now() + 30 * 86_400_000).toISOString();
let unique = 0;

/** Known-good requests per operation. Add an entry when a route needs more than its schema says. */
const EXAMPLES: Record<string, ExampleMaker> = {
  'POST /api/v1/users': () => ({ body: { email: `fuzz-${++unique}@example.com`, name: 'Fuzz', role: 'marketer' } }),
  'PATCH /api/v1/users/{id}': async (fx) => ({
    params: { id: fx.spareUserId },
    body: { version: await fx.version('users', fx.spareUserId), name: 'Spare' },
  }),
  'POST /api/v1/users/{id}/tokens': (fx) => ({ params: { id: fx.spareUserId } }),
  'POST /api/v1/auth/login': () => ({ body: { email: 'signer@example.com', password: SIGNER_PASSWORD } }),
  'POST /api/v1/line-accounts': () => ({
    body: {
      name: 'Fuzz OA',
      channelId: String(1_700_000_000 + ++unique),
      channelAccessToken: 'fuzz-token',
      channelSecret: 'fuzz-secret',
      region: 'TW',
      plan: 'high',
      timezone: 'Asia/Taipei',
      monthlyBudget: '500',
      additionalMessageCap: null,
      otherPushHeadroom: 0,
      apiBaseUrl: null,
    },
  }),
  'PATCH /api/v1/line-accounts/{id}': async (fx) => ({
    params: { id: fx.accountId },
    body: {
      version: await fx.version('line_accounts', fx.accountId),
      name: 'Fuzz OA',
      monthlyBudget: '800',
      additionalMessageCap: 100000,
      otherPushHeadroom: 0,
    },
  }),
  'GET /api/v1/rate-cards': () => ({ query: { region: 'TW', plan: 'high' } }),
  'POST /api/v1/rate-cards': () => ({
    body: {
      region: 'TW',
      plan: 'fuzz',
      currency: 'TWD',
      monthlyFee: '100',
      freeMessages: 100,
      additionalAllowed: true,
      tiers: [
        { upTo: 1000, unitPrice: '0.2' },
        { upTo: null, unitPrice: '0.1' },
      ],
      effectiveFrom: '2026-01-01',
      source: `fuzz ${++unique}`,
      verified: false,
    },
  }),
  'POST /api/v1/forecasts': (fx) => ({
    body: { lineAccountId: fx.accountId, recipients: 10, messageObjects: 1, sendAt: future(), costCap: '100' },
  }),
  'GET /api/v1/line-accounts/{id}/usage': (fx) => ({ params: { id: fx.accountId }, query: { month: '2026-12' } }),
  'PUT /api/v1/line-accounts/{id}/contacts': (fx) => ({
    params: { id: fx.accountId },
    body: {
      contacts: [
        {
          lineUserId: fx.lineUserIds[0],
          displayName: 'Mei',
          tags: ['vip'],
          attributes: { city: 'Taipei', age: 31 },
          status: 'following',
          followedAt: '2026-11-01T00:00:00+08:00',
        },
      ],
    },
  }),
  'GET /api/v1/line-accounts/{id}/contacts': (fx) => ({
    params: { id: fx.accountId },
    query: { limit: '5', tag: 'vip', status: 'following' },
  }),
  'POST /api/v1/line-accounts/{id}/contacts/import': (fx) => ({
    params: { id: fx.accountId },
    contentType: 'text/csv',
    raw: `lineUserId,displayName,tags,city,age\n${fx.lineUserIds[1]},Chen,vip|newsletter,Tainan,40\n`,
  }),
  'POST /api/v1/audiences': (fx) => ({
    body: {
      lineAccountId: fx.accountId,
      name: 'Fuzz VIPs',
      definition: { all: [{ tag: 'vip' }, { attribute: 'age', op: 'gte', value: 18 }] },
    },
  }),
  'GET /api/v1/audiences': (fx) => ({ query: { lineAccountId: fx.accountId, limit: '5' } }),
  'POST /api/v1/audiences/size': (fx) => ({
    body: { lineAccountId: fx.accountId, definition: { any: [{ tag: 'vip' }, { followedWithinDays: 30 }] } },
  }),
  'PATCH /api/v1/audiences/{id}': async (fx) => ({
    params: { id: fx.audienceId },
    body: {
      version: await fx.version('audiences', fx.audienceId),
      name: 'Fuzz VIPs',
      definition: { all: [{ tag: 'vip' }] },
    },
  }),
  'DELETE /api/v1/audiences/{id}': (fx) => ({ params: { id: fx.spareAudienceIds.shift() ?? randomUUID() } }),
  'GET /api/v1/audiences/{id}/preview': (fx) => ({ params: { id: fx.audienceId }, query: { limit: '5' } }),
  'POST /api/v1/webhooks/line/{accountId}': (fx) => ({
    params: { accountId: fx.accountId },
    sign: true,
    body: {
      destination: 'U0',
      events: [
        {
          type: 'follow',
          mode: 'active',
          timestamp: Date.now(),
          webhookEventId: `fuzz-${++unique}`,
          source: { type: 'user', userId: fx.lineUserIds[2] },
        },
      ],
    },
  }),
  'POST /api/v1/campaigns': (fx) => ({
    body: {
      lineAccountId: fx.accountId,
      audienceId: fx.audienceId,
      name: 'Fuzz campaign',
      messages: [{ type: 'text', text: 'Our VIP sale starts today!' }],
      schedule: { at: future() },
      maxRecipients: 100,
      costCap: '100',
      overBudgetPolicy: 'block',
    },
  }),
  'POST /api/v1/campaigns/forecast-draft': (fx) => ({
    body: {
      lineAccountId: fx.accountId,
      audienceId: fx.audienceId,
      name: 'Fuzz draft',
      messages: [{ type: 'text', text: 'Our VIP sale starts today!' }],
      schedule: { at: future() },
      maxRecipients: 100,
      costCap: '100',
      overBudgetPolicy: 'block',
    },
  }),
  'POST /api/v1/schedules/preview': () => ({
    body: { cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: future(), count: 5 },
  }),
  'GET /api/v1/campaigns': (fx) => ({ query: { status: 'draft', lineAccountId: fx.accountId, limit: '5' } }),
  'PATCH /api/v1/campaigns/{id}': async (fx) => ({
    params: { id: fx.campaigns.draft },
    body: {
      version: await fx.version('campaigns', fx.campaigns.draft),
      name: 'Fuzz campaign',
      messages: [{ type: 'text', text: 'Hello' }],
      schedule: { cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: future() },
      maxRecipients: 50,
      costCap: '50',
    },
  }),
  'POST /api/v1/campaigns/{id}/submit': async (fx) => transition(fx, fx.campaigns.draft2, { reason: 'ready' }),
  'POST /api/v1/campaigns/{id}/withdraw': (fx) => transition(fx, fx.campaigns.pending, { reason: 'changes' }),
  'POST /api/v1/campaigns/{id}/approve': (fx) => transition(fx, fx.campaigns.pending2, { comment: 'looks right' }),
  'POST /api/v1/campaigns/{id}/reject': (fx) => transition(fx, fx.campaigns.pending2, { reason: 'wrong coupon' }),
  'POST /api/v1/campaigns/{id}/cancel': (fx) => transition(fx, fx.campaigns.approved, { reason: 'not now' }),
  'POST /api/v1/campaigns/{id}/pause': (fx) => transition(fx, fx.campaigns.approved2, { reason: 'hold' }),
  'POST /api/v1/campaigns/{id}/resume': (fx) => transition(fx, fx.campaigns.approved2, { reason: 'go' }),
  'POST /api/v1/campaigns/{id}/send-now': (fx) => transition(fx, fx.campaigns.approved2, { reason: 'now' }),
  'POST /api/v1/campaigns/{id}/test-send': (fx) => ({
    params: { id: fx.campaigns.draft },
    body: { lineUserIds: fx.lineUserIds.slice(0, 2) },
  }),
  'GET /api/v1/campaigns/{id}/runs': (fx) => ({ params: { id: fx.campaigns.approved2 }, query: { limit: '5' } }),
  'GET /api/v1/runs/{id}': (fx) => ({ params: { id: fx.runId } }),
  'POST /api/v1/runs/{id}/retry': (fx) => ({ params: { id: fx.runId } }),
};

/** The A/B test, frequency cap and defer priority of a campaign: the fields the plain examples above leave out. */
const abCampaign = () => ({
  variants: [
    { name: 'Coupon first', messages: [{ type: 'text', text: 'Your coupon: 20% off' }] },
    { name: 'Sale first', messages: [{ type: 'text', text: 'The sale starts today' }] },
  ],
  abTest: { testShare: 20, metric: 'unique_click_rate', waitMinutes: 60, undecided: 'variant_a' },
  overBudgetPolicy: 'trim',
  frequencyCap: { messages: 2, days: 7 },
  deferPriority: { attribute: 'age', order: 'desc' },
});

/** Further valid requests of an operation, fuzzed like its example: fields or shapes the example leaves out. */
const MORE_EXAMPLES: Record<string, ExampleMaker[]> = {
  'POST /api/v1/campaigns': [
    (fx) => ({
      body: { lineAccountId: fx.accountId, audienceId: fx.audienceId, name: 'Fuzz A/B', ...abCampaign() },
    }),
  ],
  'POST /api/v1/campaigns/forecast-draft': [
    (fx) => ({
      body: {
        lineAccountId: fx.accountId,
        audienceId: fx.audienceId,
        name: 'Fuzz A/B',
        schedule: { at: future() },
        ...abCampaign(),
      },
    }),
  ],
  'PATCH /api/v1/campaigns/{id}': [
    async (fx) => ({
      params: { id: fx.campaigns.abDraft },
      body: {
        version: await fx.version('campaigns', fx.campaigns.abDraft),
        ...abCampaign(),
        frequencyCap: 'none',
        schedule: null,
      },
    }),
  ],
  'PATCH /api/v1/line-accounts/{id}': [
    async (fx) => ({
      params: { id: fx.accountId },
      body: {
        version: await fx.version('line_accounts', fx.accountId),
        timezone: 'Asia/Tokyo',
        quietHours: { start: '22:00', end: '08:00' },
        frequencyCap: { messages: 3, days: 7 },
        alerts: { webhookUrl: 'http://127.0.0.1:9/hook', secret: 'fuzz-alert-signing-key', thresholds: [80, 100] },
      },
    }),
  ],
  'GET /api/v1/line-accounts/{id}/contacts': [
    (fx) => ({
      params: { id: fx.accountId },
      query: { limit: '5', attribute: 'age', op: 'gte', value: '21', valueType: 'number' },
    }),
  ],
};

async function transition(fx: Fixtures, id: string, body: Record<string, unknown>): Promise<Example> {
  return { params: { id }, body: { ...body, version: await fx.version('campaigns', id) } };
}

/** Path parameters of an operation without an example: the fixture of the collection they follow. */
function defaultParam(path: string, name: string, fx: Fixtures): string {
  const collection = path.split(`/{${name}}`)[0].split('/').pop();
  const byCollection: Record<string, string> = {
    users: fx.spareUserId,
    'line-accounts': fx.accountId,
    line: fx.accountId,
    audiences: fx.audienceId,
    campaigns: fx.campaigns.draft,
    runs: fx.runId,
  };
  return byCollection[collection ?? ''] ?? randomUUID();
}

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema?: object }> };
}

describe('fuzz: hostile mutations of a valid request, on every operation of the OpenAPI document', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let fx: Fixtures;
  let spec: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'fuzz' });
    t = await createTestApp();
    spec = (await t.http().get('/api/docs-json').expect(200)).body;
    fx = await createFixtures(t, sim);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('answers no mutation with a 5xx, and leaves the database unchanged on every 4xx', async () => {
    const started = Date.now();
    const random = seededRandom(SEED);
    const roles = rolesByOperationId(t);
    const failures: string[] = [];
    let requests = 0;
    const statuses: Record<number, number> = {};
    let operations = 0;
    let before = await fingerprint(t.db.pool);
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const key = `${method.toUpperCase()} ${path}`;
        if (ONLY && !ONLY.test(key)) continue;
        operations++;
        const access = roles.get(operation.operationId ?? '') ?? { public: false, roles: undefined };
        // The operation's example and any further ones (an A/B campaign beside a plain one), each fuzzed alike.
        const makers: ExampleMaker[] = EXAMPLES[key]
          ? [EXAMPLES[key], ...(MORE_EXAMPLES[key] ?? [])]
          : [() => derivedExample(path, operation, spec.components.schemas, fx)];
        for (const [variant, make] of makers.entries()) {
          const example = await make(fx);
          const role: Role = example.role ?? access.roles?.[0] ?? 'marketer';
          const valid: FuzzRequest = { method, params: {}, query: {}, ...example };
          const declaredQuery = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
          const all = mutationsOf(valid, declaredQuery);
          const indexes = all.map((_, index) => index);
          // Unknown query parameters are always sent: they have an answer of their own to check (below).
          const unknownQuery = indexes.filter((index) => isUnknownQuery(all[index].name));
          const chosen = FULL
            ? indexes
            : [
                ...unknownQuery,
                ...sample(
                  indexes.filter((index) => !unknownQuery.includes(index)),
                  PER_OPERATION,
                  random,
                ),
              ];
          // A version read from the database goes stale after each success: such a request is built again.
          const versioned = (valid.body as { version?: unknown } | undefined)?.version !== undefined;
          for (const index of chosen) {
            const mutation = versioned
              ? mutationsOf({ method, params: {}, query: {}, ...(await make(fx)) }, declaredQuery)[index]
              : all[index];
            requests++;
            const response = await send(
              t,
              path,
              mutation,
              access.public ? undefined : fx.tokens[role],
              example.sign ? fx.channelSecret : undefined,
            );
            const where = `${key}${variant ? ` (example ${variant + 1})` : ''} [${mutation.name}] as ${role}`;
            statuses[response.status] = (statuses[response.status] ?? 0) + 1;
            if (process.env.FUZZ_DEBUG && (response.status !== 400 || process.env.FUZZ_DEBUG === 'all'))
              process.stdout.write(
                `${where}: ${response.status} ${JSON.stringify(response.status >= 400 ? response.body.details : response.body).slice(0, 300)}\n`,
              );
            // An operation that reads a query refuses a parameter it doesn't know, naming it (never ignored).
            const unknownParameter = isUnknownQuery(mutation.name) ? mutation.name.split(' ').pop()! : null;
            if (
              unknownParameter &&
              declaredQuery.length &&
              !(
                response.status === 400 &&
                (response.body?.details as { field: string }[] | undefined)?.some(
                  (detail) => detail.field === unknownParameter,
                )
              )
            )
              failures.push(
                `${where}: ${response.status} ${JSON.stringify(response.body?.details)}, not a 400 naming ${unknownParameter}`,
              );
            if (response.status >= 500) {
              failures.push(`${where}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
            } else if (response.status >= 400) {
              if (typeof response.body?.message !== 'string' || !Array.isArray(response.body?.details))
                failures.push(`${where}: ${response.status} without the error shape`);
              else
                for (const { field, problem } of response.body.details as { field: string; problem: string }[])
                  if (libraryWording(field, problem))
                    failures.push(`${where}: "${field}: ${problem}" is library wording`);
            }
            const after = await settledFingerprint(t, before, response.status);
            const changed = changedTables(before, after);
            const recorded =
              (response.status === 422 && RECORDED_REFUSALS.some((pattern) => pattern.test(key))) ||
              ([400, 401, 429].includes(response.status) &&
                COUNTED_PASSWORD_GUESSES.test(key) &&
                changed.every((table) => table === 'login_throttles' || table === 'audit_events'));
            if (response.status >= 400 && changed.length && !recorded)
              failures.push(`${where}: ${response.status} but wrote to ${changed.join(', ')}`);
            before = after;
          }
        }
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `fuzz: ${operations} operations, ${requests} requests (${FULL ? 'full set' : `seed ${SEED}, ${PER_OPERATION} per operation`}) in ${seconds} s; answers ${JSON.stringify(statuses)}\n`,
    );
    expect(operations).toBeGreaterThanOrEqual(ONLY ? 1 : 40);
    expect(failures).toEqual([]);
  }, 1_800_000);
});

const isUnknownQuery = (name: string) => name.startsWith('query: unknown parameter ');

/** A validation library's text instead of a plain sentence: the field named again, a regular expression. */
function libraryWording(field: string, problem: string): boolean {
  const name = field.split(/[.[]/).pop() ?? field;
  return (
    problem.startsWith(`${name} `) ||
    /regular expression|longer than or equal|must not be less than|should not exist|an integer number/.test(problem)
  );
}

async function send(t: TestApp, path: string, mutation: Mutation, token: string | undefined, secret?: string) {
  const { request: r } = mutation;
  const url =
    path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(r.params[name] ?? randomUUID())) +
    queryString(r.query);
  let call = t.http()[r.method as (typeof METHODS)[number]](url);
  if (token) call = call.set(bearer(token));
  const raw = r.raw ?? (r.body !== undefined ? JSON.stringify(r.body) : undefined);
  if (raw === undefined) return call;
  if (secret) call = call.set('x-line-signature', createHmac('sha256', secret).update(raw).digest('base64'));
  return call.set('Content-Type', r.contentType ?? 'application/json').send(raw);
}

function queryString(query: Record<string, string | string[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** After a success, writes may still be landing (a background job): wait until two readings agree. */
async function settledFingerprint(t: TestApp, before: Record<string, string>, status: number) {
  // A followers import an accepted request started goes on writing its job's progress for seconds
  // after the 202: let it end, or the next request's 4xx is blamed for those writes.
  for (let waited = 0; waited < 30_000; waited += 100) {
    const running = await t.db.pool.query('SELECT 1 FROM followers_import_jobs WHERE running_account_id IS NOT NULL');
    if (!running.rowCount) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let reading = await fingerprint(t.db.pool);
  if (status >= 300 && !changedTables(before, reading).length) return reading;
  for (let attempt = 0; attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await fingerprint(t.db.pool);
    if (!changedTables(reading, again).length) return again;
    reading = again;
  }
  return reading;
}

function derivedExample(path: string, operation: Operation, schemas: Record<string, object>, fx: Fixtures): Example {
  const params: Record<string, string> = {};
  for (const parameter of operation.parameters ?? [])
    if (parameter.in === 'path') params[parameter.name] = defaultParam(path, parameter.name, fx);
  const content = operation.requestBody?.content ?? {};
  const json = content['application/json'];
  if (json) return { params, body: sampleOf(json.schema, schemas, { uuid: fx.accountId }) };
  const [type, other] = Object.entries(content)[0] ?? [];
  if (type)
    return { params, contentType: type, raw: String(sampleOf(other.schema, schemas, { uuid: fx.accountId }) ?? '') };
  return { params };
}

/** Who may call each operation, read from the controllers' own metadata (operationId is Controller_method). */
function rolesByOperationId(t: TestApp): Map<string, { public: boolean; roles?: Role[] }> {
  const result = new Map<string, { public: boolean; roles?: Role[] }>();
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const read = <T>(key: string) =>
          (Reflect.getMetadata(key, handler) as T | undefined) ??
          (Reflect.getMetadata(key, controller) as T | undefined);
        result.set(`${controller.name}_${name}`, {
          public: read<boolean>(PUBLIC_KEY) ?? false,
          roles: read<Role[]>(ROLES_KEY),
        });
      }
    }
  }
  return result;
}

/** An account on the simulator with followers imported as contacts, audiences, campaigns in each state, a run. */
async function createFixtures(t: TestApp, sim: LineSimulatorHandle): Promise<Fixtures> {
  const admin = t.adminToken;
  const marketer = await t.createUser('marketer');
  const approver = await t.createUser('approver');
  const spare = await t.createUser('marketer');
  await t
    .http()
    .post('/api/v1/users')
    .set(bearer(admin))
    .send({ email: 'signer@example.com', name: 'Signer', role: 'marketer', password: SIGNER_PASSWORD })
    .expect(201);
  const api = (token: string) => ({
    post: (path: string, body?: object) => t.http().post(`/api/v1${path}`).set(bearer(token)).send(body),
    put: (path: string, body: object) => t.http().put(`/api/v1${path}`).set(bearer(token)).send(body),
  });
  const channelId = '1690000001';
  const channelSecret = 'fuzz-channel-secret';
  const accessToken = `fuzz-token-${randomUUID()}`;
  const account = await api(admin)
    .post('/line-accounts', {
      name: 'Fuzz sandbox',
      channelId,
      channelAccessToken: accessToken,
      channelSecret,
      plan: 'high',
      monthlyBudget: '100000',
      apiBaseUrl: sim.url,
    })
    .expect(201);
  const accountId = account.body.id as string;
  await request(sim.url)
    .put(`/_sim/channels/${channelId}`)
    .send({ accessToken, channelSecret, quota: { type: 'limited', value: 100_000 }, consumption: 0, followerCount: 30 })
    .expect(201);
  await api(admin).post(`/line-accounts/${accountId}/quota-sync`).expect(200);
  const imported = await api(admin).post(`/line-accounts/${accountId}/followers-import`);
  expect(imported.status).toBeLessThan(300);
  // The import may run in the background: wait for its contacts.
  let lineUserIds: string[] = [];
  for (let attempt = 0; attempt < 100 && lineUserIds.length < 30; attempt++) {
    const rows = await t.db.pool.query('SELECT line_user_id FROM contacts WHERE line_account_id = $1 ORDER BY 1', [
      accountId,
    ]);
    lineUserIds = rows.rows.map((row: { line_user_id: string }) => row.line_user_id);
    if (lineUserIds.length < 30) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(lineUserIds).toHaveLength(30);
  await api(marketer.token)
    .put(`/line-accounts/${accountId}/contacts`, {
      contacts: lineUserIds.slice(0, 20).map((lineUserId, index) => ({
        lineUserId,
        tags: ['vip'],
        attributes: { age: 20 + index, city: 'Taipei' },
      })),
    })
    .expect(200);
  const audience = async () =>
    (
      await api(marketer.token)
        .post('/audiences', { lineAccountId: accountId, name: 'VIPs', definition: { tag: 'vip' } })
        .expect(201)
    ).body.id as string;
  const audienceId = await audience();
  const spareAudienceIds = [await audience(), await audience()];
  const campaign = async () =>
    (
      await api(marketer.token)
        .post('/campaigns', {
          lineAccountId: accountId,
          audienceId,
          name: 'Fuzz fixture',
          messages: [{ type: 'text', text: 'Hello VIPs' }],
        })
        .expect(201)
    ).body.id as string;
  const submitted = async () => {
    const id = await campaign();
    await api(marketer.token).post(`/campaigns/${id}/submit`, {}).expect(200);
    return id;
  };
  const approved = async () => {
    const id = await submitted();
    await api(approver.token).post(`/campaigns/${id}/approve`, { comment: 'ok' }).expect(200);
    return id;
  };
  const campaigns = {
    draft: await campaign(),
    draft2: await campaign(),
    abDraft: await campaign(),
    pending: await submitted(),
    pending2: await submitted(),
    approved: await approved(),
    approved2: await approved(),
  };
  const sent = await api(approver.token).post(`/campaigns/${campaigns.approved2}/send-now`, {});
  expect(sent.status).toBe(202);
  return {
    tokens: { admin, marketer: marketer.token, approver: approver.token },
    spareUserId: spare.id,
    accountId,
    channelSecret,
    lineUserIds,
    audienceId,
    spareAudienceIds,
    campaigns,
    runId: sent.body.id as string,
    version: async (table, id) =>
      Number((await t.db.pool.query(`SELECT version FROM ${table} WHERE id = $1`, [id])).rows[0]?.version ?? 1),
  };
}
