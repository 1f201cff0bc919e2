import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './app';
import { importFollowers } from './followers';
import type { TestClock } from './test-clock';

/**
 * A simulator and a test app on the test's clock, for a describe block's beforeAll; with
 * `simulatorClock`, the simulator is set to the same time first (its statistics and monthly
 * consumption go by it).
 */
export async function simulatorAndApp(
  seed: string,
  clock: TestClock,
  env: Record<string, string> = {},
  options: { simulatorClock?: boolean } = {},
): Promise<{ sim: LineSimulatorHandle; t: TestApp }> {
  const sim = await startLineSimulator({ port: 0, seed });
  try {
    if (options.simulatorClock)
      await request(sim.url).put('/_sim/clock').send({ now: clock.now().toISOString() }).expect(200);
    return { sim, t: await createTestApp(env, undefined, { clock }) };
  } catch (error) {
    await sim.close();
    throw error;
  }
}

/** What simulatorAndApp started, closed (for afterAll; either may be unset when beforeAll failed). */
export async function closeSimulatorAndApp(t: TestApp | undefined, sim: LineSimulatorHandle | undefined) {
  await t?.close();
  await sim?.close();
}

/** POST /campaigns by the scenario's marketer on its account and audience: the request, for the caller to expect on. */
export function postCampaign(t: TestApp, s: SendingScenario, body: object) {
  return t
    .http()
    .post('/api/v1/campaigns')
    .set(bearer(s.marketer.token))
    .send({ lineAccountId: s.accountId, audienceId: s.audienceId, ...body });
}

/** The marketer submits the campaign (200 expected); the answer carries the forecast. */
export function submitCampaign(t: TestApp, s: SendingScenario, campaignId: string) {
  return t.http().post(`/api/v1/campaigns/${campaignId}/submit`).set(bearer(s.marketer.token)).send({}).expect(200);
}

/** The approver approves the campaign (200 expected), with `body` (a comment, say). */
export function approveCampaign(t: TestApp, s: SendingScenario, campaignId: string, body: object = {}) {
  return t.http().post(`/api/v1/campaigns/${campaignId}/approve`).set(bearer(s.approver.token)).send(body).expect(200);
}

/** An account on a simulator channel whose followers are imported as contacts, with a marketer and an approver. */
export interface SendingScenario {
  channelId: string;
  accountId: string;
  audienceId: string;
  marketer: { id: string; token: string };
  approver: { id: string; token: string };
}

let channelCounter = 0;

/**
 * A LINE account on a simulator channel set up with this quota, consumption and followers, the
 * followers imported as its contacts. A consumption left out is left to the simulator.
 */
export async function simulatorAccount(
  t: TestApp,
  sim: LineSimulatorHandle,
  a: {
    name: string;
    channelId: string;
    accessToken: string;
    plan: string;
    monthlyBudget: string;
    quota: { type: 'none' } | { type: 'limited'; value: number };
    consumption?: number;
    followers: number;
  },
): Promise<string> {
  await request(sim.url)
    .put(`/_sim/channels/${a.channelId}`)
    .send({
      accessToken: a.accessToken,
      channelSecret: 'secret',
      quota: a.quota,
      consumption: a.consumption,
      followerCount: a.followers,
    })
    .expect(201);
  const account = await t
    .http()
    .post('/api/v1/line-accounts')
    .set(bearer(t.adminToken))
    .send({
      name: a.name,
      channelId: a.channelId,
      channelAccessToken: a.accessToken,
      channelSecret: 'secret',
      plan: a.plan,
      monthlyBudget: a.monthlyBudget,
      apiBaseUrl: sim.url,
    })
    .expect(201);
  const accountId = account.body.id as string;
  await importFollowers(t, accountId);
  return accountId;
}

export async function sendingScenario(
  t: TestApp,
  sim: LineSimulatorHandle,
  options: {
    followers: number;
    plan?: string;
    monthlyBudget?: string;
    quota?: { type: 'none' } | { type: 'limited'; value: number };
    consumption?: number;
  },
): Promise<SendingScenario> {
  const channelId = String(1_800_000_000 + process.pid * 100 + ++channelCounter);
  const accountId = await simulatorAccount(t, sim, {
    name: `OA ${channelId}`,
    channelId,
    accessToken: `sim-${randomUUID()}`,
    plan: options.plan ?? 'high',
    monthlyBudget: options.monthlyBudget ?? '100000',
    quota: options.quota ?? { type: 'none' },
    consumption: options.consumption ?? 0,
    followers: options.followers,
  });
  const [marketer, approver] = await Promise.all([t.createUser('marketer'), t.createUser('approver')]);
  const audience = await t
    .http()
    .post('/api/v1/audiences')
    .set(bearer(marketer.token))
    .send({ lineAccountId: accountId, name: 'Everyone following', definition: { not: { tag: 'do-not-contact' } } })
    .expect(201);
  return { channelId, accountId, audienceId: audience.body.id, marketer, approver };
}

/** A campaign written by the marketer and approved by the approver (no schedule: it goes with send-now). */
export async function approvedCampaign(
  t: TestApp,
  s: SendingScenario,
  fields: {
    name?: string;
    messages?: object[];
    maxRecipients?: number | null;
    costCap?: string | null;
    overBudgetPolicy?: 'block' | 'trim' | 'defer';
  } = {},
): Promise<string> {
  const created = await postCampaign(t, s, {
    name: fields.name ?? 'Autumn sale',
    messages: fields.messages ?? [{ type: 'text', text: 'Autumn sale: 20% off this weekend' }],
    schedule: null,
    maxRecipients: fields.maxRecipients ?? null,
    costCap: fields.costCap ?? null,
    overBudgetPolicy: fields.overBudgetPolicy ?? 'block',
  }).expect(201);
  const id = created.body.id as string;
  await submitCampaign(t, s, id);
  await approveCampaign(t, s, id, { comment: 'ok' });
  return id;
}

/** send-now's answer: 202 with the run (gated and sending, or left to the scheduler), or 422 with the blocked run. */
export async function sendNowResponse(
  t: TestApp,
  s: SendingScenario,
  campaignId: string,
): Promise<{ status: number; run: RunView; body: Record<string, unknown> }> {
  const response = await t
    .http()
    .post(`/api/v1/campaigns/${campaignId}/send-now`)
    .set(bearer(s.approver.token))
    .send({});
  if (response.status === 202) return { status: 202, run: response.body as RunView, body: response.body };
  if (response.status === 422) return { status: 422, run: response.body.run as RunView, body: response.body };
  throw new Error(`send-now answered ${response.status}: ${JSON.stringify(response.body)}`);
}

/** The run send-now started (or refused at the gate). */
export async function sendNow(t: TestApp, s: SendingScenario, campaignId: string): Promise<string> {
  return (await sendNowResponse(t, s, campaignId)).run.id;
}

export interface RunView {
  id: string;
  status: string;
  progress: {
    recipients: number;
    batches: number;
    batchesDone: number;
    delivered: number;
    failed: number;
    frequencyCapped: number;
  };
  reserved: { messages: number; cost: { amount: string } };
  actual: { messages: number; cost: { amount: string } };
  blockReasons: { code: string; message: string }[];
}

export async function getRun(t: TestApp, token: string, runId: string): Promise<RunView> {
  return (await t.http().get(`/api/v1/runs/${runId}`).set(bearer(token)).expect(200)).body;
}

/** Polls GET /runs/:id until the run reaches one of `statuses`. */
export async function waitForRun(
  t: TestApp,
  token: string,
  runId: string,
  statuses: string[],
  timeoutMs = 60_000,
  onPoll?: (run: RunView) => void,
): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(t, token, runId);
    onPoll?.(run);
    if (statuses.includes(run.status)) return run;
    if (Date.now() > deadline)
      throw new Error(`run ${runId} is still ${run.status} after ${timeoutMs} ms: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What the simulator saw for a channel: deliveries per user and the month's consumption. */
export async function simulatorTotals(sim: LineSimulatorHandle, channelId: string) {
  const deliveries = (await request(sim.url).get(`/_sim/channels/${channelId}/deliveries`).expect(200)).body;
  const consumption = (await request(sim.url).get(`/_sim/channels/${channelId}/consumption`).expect(200)).body;
  return { ...deliveries, totalUsage: consumption.totalUsage } as {
    totalDeliveries: number;
    distinctRecipients: number;
    repeatedRecipients: unknown[];
    totalUsage: number;
  };
}
