import { bearer, createTestApp, TestApp } from './support/app';
import { freePort, startServiceProcess, waitUntilReady } from './support/service-process';
import { TestClock } from './support/test-clock';

const account = {
  name: 'Clock store',
  channelId: '1650000999',
  channelAccessToken: 'clock-test-access-token',
  channelSecret: 'clock-test-channel-secret',
  region: 'TW',
  plan: 'light',
  timezone: 'Asia/Taipei',
  monthlyBudget: '100',
};

/** The tests of time (quiet hours, resets, waits) move one clock that the service reads everywhere. */
describe('the test clock', () => {
  const clock = new TestClock('2027-03-15T04:00:00Z');
  let t: TestApp;
  let accountId: string;
  beforeAll(async () => {
    t = await createTestApp({}, undefined, { clock });
    accountId = (await t.http().post('/api/v1/line-accounts').set(bearer(t.adminToken)).send(account).expect(201)).body
      .id;
  });
  afterAll(() => t.close());

  const month = async (url?: string) => {
    const path = `/api/v1/line-accounts/${accountId}/usage`;
    const response = url
      ? await fetch(`${url}${path}`, { headers: bearer(t.adminToken) })
      : await t.http().get(path).set(bearer(t.adminToken));
    const body = (url ? await (response as Response).json() : (response as { body: unknown }).body) as {
      month: string;
    };
    return body.month;
  };

  it("moves the month of an app in this process, in the account's timezone", async () => {
    expect(await month()).toBe('2027-03');
    clock.set('2027-03-31T16:00:00Z'); // 2027-04-01 00:00 in Taipei
    expect(await month()).toBe('2027-04');
  });

  it('moves a service running as its own process through CLOCK_FILE', async () => {
    clock.set('2028-02-10T00:00:00Z');
    const port = await freePort();
    const service = startServiceProcess({ DATABASE_URL: t.db.url, PORT: String(port), ...clock.env() });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(url);
      expect(await month(url)).toBe('2028-02');
      clock.set('2028-12-31T17:00:00Z');
      await new Promise((resolve) => setTimeout(resolve, 50)); // the file is re-read every 20 ms
      expect(await month(url)).toBe('2029-01');
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });
});
