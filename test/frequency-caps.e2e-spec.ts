import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import { sendingScenario, SendingScenario } from './support/dispatch-fixture';
import { TestClock } from './support/test-clock';

const FAST_DISPATCH = {
  DISPATCH_ENABLED: 'true',
  DISPATCH_POLL_MS: '50',
  DISPATCH_WORKERS: '4',
  DISPATCH_RETRY_BASE_MS: '20',
  DISPATCH_RETRY_MAX_MS: '200',
  LINE_TIMEOUT_MS: '2000',
};

/** Frequency caps: at most N campaign sends per contact in a rolling window, decided at the budget gate. */
describe('frequency caps', () => {
  const clock = new TestClock('2027-05-03T02:00:00Z');
  let t: TestApp;
  let sim: LineSimulatorHandle;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'frequency-caps-e2e' });
    t = await createTestApp(FAST_DISPATCH, undefined, { clock });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const admin = () => bearer(t.adminToken);
  const account = async (id: string) =>
    (await t.http().get(`/api/v1/line-accounts/${id}`).set(admin()).expect(200)).body;
  const setAccountCap = async (id: string, frequencyCap: { messages: number; days: number } | null) => {
    const { version } = await account(id);
    return t.http().patch(`/api/v1/line-accounts/${id}`).set(admin()).send({ version, frequencyCap });
  };

  describe('the fields', () => {
    let s: SendingScenario;
    beforeAll(async () => {
      s = await sendingScenario(t, sim, { followers: 3 });
    });

    it('an account has no cap until an admin sets one; null removes it', async () => {
      expect((await account(s.accountId)).frequencyCap).toBeNull();
      const set = await setAccountCap(s.accountId, { messages: 2, days: 7 });
      expect(set.status).toBe(200);
      expect(set.body.frequencyCap).toEqual({ messages: 2, days: 7 });
      expect((await account(s.accountId)).frequencyCap).toEqual({ messages: 2, days: 7 });
      expect((await setAccountCap(s.accountId, null)).body.frequencyCap).toBeNull();
    });

    it('refuses a cap out of range or half given, naming the field', async () => {
      for (const [cap, field] of [
        [{ messages: 0, days: 7 }, 'frequencyCap.messages'],
        [{ messages: 2, days: 91 }, 'frequencyCap.days'],
        [{ messages: 2 }, 'frequencyCap.days'],
        [{ messages: 1.5, days: 7 }, 'frequencyCap.messages'],
      ] as const) {
        const response = await setAccountCap(s.accountId, cap as never);
        expect(response.status).toBe(400);
        expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
      const bad = await t
        .http()
        .patch(`/api/v1/line-accounts/${s.accountId}`)
        .set(admin())
        .send({ version: (await account(s.accountId)).version, frequencyCap: 'none' });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('frequencyCap');
    });

    it("a campaign follows the account's cap (absent or null), sets its own, or none", async () => {
      const create = (frequencyCap?: unknown) =>
        t
          .http()
          .post('/api/v1/campaigns')
          .set(bearer(s.marketer.token))
          .send({
            lineAccountId: s.accountId,
            audienceId: s.audienceId,
            name: 'Capped',
            messages: [{ type: 'text', text: 'hello' }],
            ...(frequencyCap === undefined ? {} : { frequencyCap }),
          });
      expect((await create()).body.frequencyCap).toBeNull();
      expect((await create(null)).body.frequencyCap).toBeNull();
      expect((await create('none')).body.frequencyCap).toBe('none');
      const own = await create({ messages: 1, days: 3 });
      expect(own.status).toBe(201);
      expect(own.body.frequencyCap).toEqual({ messages: 1, days: 3 });

      const patched = await t
        .http()
        .patch(`/api/v1/campaigns/${own.body.id}`)
        .set(bearer(s.marketer.token))
        .send({ version: own.body.version, frequencyCap: null });
      expect(patched.status).toBe(200);
      expect(patched.body.frequencyCap).toBeNull();

      for (const value of ['off', 3, { messages: 1, days: 0 }, { messages: 1 }]) {
        const response = await create(value);
        expect(response.status).toBe(400);
        expect(response.body.details.map((d: { field: string }) => d.field.split('.')[0])).toContain('frequencyCap');
      }
    });
  });
});
