import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { startLineSimulator, LineSimulatorHandle } from '@lcm/line-simulator';
import {
  createLineClient,
  describeOutcome,
  isAcceptedOutcome,
  isRetryableOutcome,
  LineClient,
  LineSendOutcome,
} from './index';
import { retryAfterMs } from './sdk-line-client';

const TOKEN = 'secret-channel-token-0123456789';
const hello = [{ type: 'text', text: 'Hello' }];
const userId = (n: number) => 'U' + n.toString(16).padStart(32, '0');
const userIds = (from: number, count: number) => Array.from({ length: count }, (_, i) => userId(from + i));
/** A local port with nothing listening (fetch refuses "bad ports" such as 9 before connecting). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('LineClient against the LINE simulator', () => {
  let sim: LineSimulatorHandle;
  let client: LineClient;
  const followers = userIds(1, 20);

  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${sim.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (response) => {
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    });

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'line-client' });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await control('POST', '/_sim/reset');
    await control('PUT', '/_sim/channels/ch1', {
      accessToken: TOKEN,
      quota: { type: 'limited', value: 10_000 },
      followers,
      blocked: [userId(900)],
    });
    client = createLineClient({ channelAccessToken: TOKEN, baseUrl: sim.url, timeoutMs: 2000 });
  });

  /** The channel access token must not show up in anything the client hands back. */
  const expectNoToken = (value: unknown) =>
    expect(JSON.stringify(value) + inspect(value, { depth: 10 })).not.toContain(TOKEN);

  describe('outcomes', () => {
    it('accepted: multicast and push, with LINE request ids', async () => {
      const multicast = await client.multicast({ to: followers.slice(0, 3), messages: hello, retryKey: randomUUID() });
      expect(multicast).toEqual({ kind: 'accepted', requestId: expect.stringMatching(UUID), value: {} });
      const push = await client.push({
        to: followers[0],
        messages: [...hello, { type: 'sticker', packageId: '446', stickerId: '1988' }],
      });
      expect(push).toEqual({
        kind: 'accepted',
        requestId: expect.stringMatching(UUID),
        value: {
          sentMessages: [
            { id: expect.any(String), quoteToken: expect.any(String) },
            { id: expect.any(String), quoteToken: expect.any(String) },
          ],
        },
      });
      expect(await client.broadcast({ messages: hello })).toMatchObject({ kind: 'accepted' });
    });

    it('duplicate_accepted: a retry of an accepted request, with the accepted request id', async () => {
      const retryKey = randomUUID();
      const first = await client.multicast({ to: followers.slice(0, 3), messages: hello, retryKey });
      const again = await client.multicast({ to: followers.slice(0, 3), messages: hello, retryKey });
      expect(first.kind).toBe('accepted');
      expect(again).toEqual({
        kind: 'duplicate_accepted',
        requestId: expect.stringMatching(UUID),
        acceptedRequestId: first.kind === 'accepted' ? first.requestId : '',
      });
      expect(isAcceptedOutcome(again)).toBe(true);

      const pushKey = randomUUID();
      const pushed = await client.push({ to: followers[0], messages: hello, retryKey: pushKey });
      const pushedAgain = await client.push({ to: followers[0], messages: hello, retryKey: pushKey });
      expect(pushedAgain).toMatchObject({
        kind: 'duplicate_accepted',
        sentMessages: pushed.kind === 'accepted' ? pushed.value.sentMessages : [],
      });
    });

    it('rate_limited: with the default wait, or Retry-After when sent', async () => {
      await control('PUT', '/_sim/channels/ch1/rate-limits', { multicast: { limit: 0, windowMs: 60_000 } });
      const limited = await createLineClient({
        channelAccessToken: TOKEN,
        baseUrl: sim.url,
        defaultRetryAfterMs: 750,
      }).multicast({ to: followers, messages: hello });
      expect(limited).toEqual({
        kind: 'rate_limited',
        requestId: expect.stringMatching(UUID),
        retryAfterMs: 750,
        message: 'The API rate limit has been exceeded. Try again later.',
      });
      expect(isRetryableOutcome(limited)).toBe(true);

      await control('PUT', '/_sim/channels/ch1/rate-limits', {
        multicast: { limit: 0, windowMs: 60_000 },
        retryAfterHeader: true,
      });
      expect(await client.multicast({ to: followers, messages: hello })).toMatchObject({
        kind: 'rate_limited',
        retryAfterMs: 60_000,
      });
    });

    it('monthly_limit: nothing sent, not retryable', async () => {
      await control('PATCH', '/_sim/channels/ch1', { quota: { type: 'limited', value: 5 } });
      const outcome = await client.multicast({ to: followers.slice(0, 6), messages: hello, retryKey: randomUUID() });
      expect(outcome).toEqual({
        kind: 'monthly_limit',
        requestId: expect.stringMatching(UUID),
        message: 'You have reached your monthly limit.',
      });
      expect(isRetryableOutcome(outcome)).toBe(false);
      expect(await client.getConsumption()).toMatchObject({ value: { totalUsage: 0 } });
    });

    it("rejected_input: LINE's message and details", async () => {
      const outcome = await client.push({ to: followers[0], messages: [{ type: 'text', text: '' }] });
      expect(outcome).toEqual({
        kind: 'rejected_input',
        status: 400,
        requestId: expect.stringMatching(UUID),
        message: 'The request body has 1 error(s)',
        details: [{ message: 'May not be empty', property: 'messages[0].text' }],
      });
      expect(isRetryableOutcome(outcome)).toBe(false);
      expect(await client.multicast({ to: followers, messages: hello, retryKey: 'not-a-uuid' })).toMatchObject({
        kind: 'rejected_input',
        status: 400,
      });
    });

    it('unauthorized: a wrong token', async () => {
      const outcome = await createLineClient({ channelAccessToken: 'wrong-token', baseUrl: sim.url }).getQuota();
      expect(outcome).toMatchObject({
        kind: 'unauthorized',
        status: 401,
        message: expect.stringMatching(/Authentication failed/),
      });
    });

    it('server_error: the status, retryable', async () => {
      await control('PUT', '/_sim/channels/ch1/faults', { script: [{ kind: 'server_error', status: 503 }] });
      const outcome = await client.multicast({ to: followers, messages: hello, retryKey: randomUUID() });
      expect(outcome).toMatchObject({ kind: 'server_error', status: 503, requestId: expect.stringMatching(UUID) });
      expect(isRetryableOutcome(outcome)).toBe(true);
    });

    it('timeout: no answer within timeoutMs', async () => {
      await control('PUT', '/_sim/channels/ch1/faults', { latencyMs: 1500 });
      const quick = createLineClient({ channelAccessToken: TOKEN, baseUrl: sim.url, timeoutMs: 100 });
      const started = Date.now();
      const outcome = await quick.getQuota();
      expect(outcome).toEqual({ kind: 'timeout', timeoutMs: 100 });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(isRetryableOutcome(outcome)).toBe(true);
    });

    it('network_error: a response lost after LINE took the request, and a refused connection', async () => {
      await control('PUT', '/_sim/channels/ch1/faults', { script: ['lost_response'] });
      const lost = await client.multicast({ to: followers.slice(0, 2), messages: hello, retryKey: randomUUID() });
      expect(lost).toMatchObject({ kind: 'network_error', message: expect.any(String) });
      expect(isRetryableOutcome(lost)).toBe(true);

      const refused = await createLineClient({
        channelAccessToken: TOKEN,
        baseUrl: `http://127.0.0.1:${await closedPort()}`,
      }).getBotInfo();
      expect(refused).toMatchObject({ kind: 'network_error', code: 'ECONNREFUSED' });
      expectNoToken(refused);
    });
  });

  it('aborts the HTTP request itself at the time-out (not only the wait for it)', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const silent = http.createServer((req) => req.socket.on('close', () => closed())); // never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const quick = createLineClient({
        channelAccessToken: TOKEN,
        baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        timeoutMs: 100,
      });
      expect(await quick.getBotInfo()).toEqual({ kind: 'timeout', timeoutMs: 100 });
      await connectionClosed; // the test would time out if the socket stayed open
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  describe('reads', () => {
    it('quota, consumption and bot info', async () => {
      expect(await client.getQuota()).toMatchObject({ kind: 'accepted', value: { type: 'limited', value: 10_000 } });
      await client.multicast({ to: [...followers.slice(0, 4), userId(900), userId(901)], messages: hello });
      expect(await client.getConsumption()).toMatchObject({ kind: 'accepted', value: { totalUsage: 4 } });
      expect(await client.getBotInfo()).toMatchObject({
        kind: 'accepted',
        value: { userId: expect.stringMatching(/^U[0-9a-f]{32}$/), chatMode: 'bot' },
      });
      await control('PATCH', '/_sim/channels/ch1', { quota: { type: 'none' } });
      expect(await client.getQuota()).toMatchObject({ value: { type: 'none' } });
    });

    it('delivery counts of a day, as LINE reports them', async () => {
      const date = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
      await control('PUT', '/_sim/channels/ch1/delivery-counts', {
        days: { [date]: { multicast: { status: 'ready', success: 1234 } } },
      });
      expect(await client.getDeliveryCount('multicast', date)).toMatchObject({
        kind: 'accepted',
        value: { status: 'ready', success: 1234 },
      });
      expect(await client.getDeliveryCount('push', date)).toMatchObject({
        kind: 'accepted',
        value: { status: 'unready', success: null },
      });
      expect(await client.getDeliveryCount('push', 'yesterday')).toMatchObject({ kind: 'rejected_input', status: 400 });
    });

    it('follower ids page by page', async () => {
      const seen: string[] = [];
      let start: string | undefined;
      do {
        const page = await client.getFollowerIds({ start, limit: 7 });
        if (page.kind !== 'accepted') throw new Error(describeOutcome(page));
        seen.push(...page.value.userIds);
        start = page.value.next ?? undefined;
      } while (start);
      expect(seen).toEqual(followers);
    });

    it('aggregation units and statistics per unit: a multicast names its unit, nulls under 20 stay null', async () => {
      await client.multicast({ to: followers, messages: hello, aggregationUnit: 'spring_a' });
      expect(await client.getAggregationUnitUsage()).toMatchObject({ kind: 'accepted', value: { used: 1 } });
      await control('PUT', '/_sim/channels/ch1/statistics/spring_a', { uniqueImpression: 40, uniqueClick: 3 });
      expect(await client.getStatisticsPerUnit('spring_a', '20261201', '20261215')).toEqual({
        kind: 'accepted',
        requestId: expect.stringMatching(UUID),
        value: { uniqueImpression: 40, uniqueClick: null, uniqueMediaPlayed: null, uniqueMediaPlayed100Percent: null },
      });
      expect(await client.getStatisticsPerUnit('spring_a', '20261201', '20270115')).toMatchObject({
        kind: 'rejected_input',
        status: 400,
      });
    });

    it("validates messages with LINE's own check", async () => {
      expect(await client.validateMessages('multicast', hello)).toMatchObject({ kind: 'accepted' });
      expect(
        await client.validateMessages('push', [
          { type: 'image', originalContentUrl: 'http://x.example/a.png', previewImageUrl: 'https://x.example/p.png' },
        ]),
      ).toMatchObject({
        kind: 'rejected_input',
        details: [{ property: 'messages[0].originalContentUrl' }],
      });
      expect((await control('GET', '/_sim/channels/ch1/consumption')).totalUsage).toBe(0);
    });
  });

  it('retries a multicast with its retry key through lost responses and 5xx until accepted, delivering exactly once', async () => {
    const batches = Array.from({ length: 8 }, (_, i) => [...userIds(1000 + i * 40, 40), userId(900), userId(5000 + i)]); // + a blocked and an unknown user
    await control('PATCH', '/_sim/channels/ch1', { followers: batches.flatMap((batch) => batch.slice(0, 40)) });

    const kindsSeen: string[] = [];
    for (const [index, to] of batches.entries()) {
      // Each batch's first attempt is delivered and its response lost; later attempts meet seeded random faults.
      await control('PUT', '/_sim/channels/ch1/faults', {
        lostResponseRate: 0.5,
        serverErrorRate: 0.3,
        seed: 42 + index,
        script: ['lost_response'],
      });
      const retryKey = randomUUID();
      let attempts = 0;
      let outcome: LineSendOutcome<unknown>;
      do {
        outcome = await client.multicast({ to, messages: [{ type: 'text', text: `batch ${index}` }], retryKey });
        kindsSeen.push(outcome.kind);
        attempts += 1;
      } while (isRetryableOutcome(outcome) && attempts < 25);
      expect(outcome.kind).toBe('duplicate_accepted');
    }
    await control('DELETE', '/_sim/channels/ch1/faults');

    const summary = await control('GET', '/_sim/channels/ch1/deliveries');
    expect(summary).toMatchObject({
      sends: batches.length,
      totalDeliveries: batches.length * 40,
      distinctRecipients: batches.length * 40,
      repeatedRecipients: [],
    });
    expect(await client.getConsumption()).toMatchObject({ value: { totalUsage: batches.length * 40 } });
    for (const to of batches)
      expect((await control('GET', `/_sim/channels/ch1/deliveries?userId=${to[0]}`)).count).toBe(1);

    // The faults really happened: one lost (but delivered) response per batch, 5xx on the way, 409s at the end.
    const log = (await control('GET', '/_sim/channels/ch1/requests')).requests as {
      endpoint: string;
      status: number;
      responseLost: boolean;
      delivered: number | null;
    }[];
    const multicasts = log.filter((entry) => entry.endpoint === 'multicast');
    expect(multicasts.filter((entry) => entry.responseLost)).toHaveLength(batches.length);
    expect(multicasts.filter((entry) => entry.responseLost).every((entry) => entry.delivered === 40)).toBe(true);
    expect(multicasts.filter((entry) => entry.status === 409)).toHaveLength(batches.length);
    expect(new Set(kindsSeen)).toEqual(new Set(['network_error', 'server_error', 'duplicate_accepted']));
  });

  it('never shows the access token: not in outcomes, not when the client is logged', async () => {
    await control('PUT', '/_sim/channels/ch1/faults', { script: [{ kind: 'server_error', status: 500 }] });
    expectNoToken(await client.multicast({ to: followers, messages: hello }));
    expectNoToken(
      await createLineClient({
        channelAccessToken: TOKEN,
        baseUrl: `http://127.0.0.1:${await closedPort()}/${TOKEN}`,
      }).getQuota(),
    );
    expectNoToken(client);
    expect(JSON.stringify({ client })).toBe(JSON.stringify({ client: { baseUrl: sim.url } }));
  });
});

describe('retryAfterMs', () => {
  it('reads seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
