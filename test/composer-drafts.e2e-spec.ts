import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { bearer, createTestApp, TestApp } from './support/app';
import { sendingScenario } from './support/dispatch-fixture';
import { TestClock } from './support/test-clock';

/**
 * What the composer asks while the marketer edits, before saving: the draft's forecast (the same
 * answer a saved campaign's forecast gives) and a cron's next occurrences in the account's zone.
 */
describe('composer drafts: forecast-draft and schedules/preview', () => {
  // Friday 27 November 2026, 12:00 in Taipei.
  const clock = new TestClock('2026-11-27T04:00:00Z');
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let s: Awaited<ReturnType<typeof sendingScenario>>;
  const draft = () => ({
    lineAccountId: s.accountId,
    audienceId: s.audienceId,
    name: 'Draft',
    messages: [{ type: 'text', text: 'Hello' }],
    schedule: null,
    maxRecipients: null,
    costCap: null,
    overBudgetPolicy: 'block',
    frequencyCap: null,
  });

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'composer-drafts' });
    await request(sim.url).put('/_sim/clock').send({ now: clock.now().toISOString() }).expect(200);
    t = await createTestApp({}, undefined, { clock });
    // 5,990 of the 6,000 free messages counted by LINE: 10 are left this month.
    s = await sendingScenario(t, sim, { followers: 30, consumption: 5990, quota: { type: 'limited', value: 6000 } });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const forecastDraft = (body: object, token = s.marketer.token) =>
    t.http().post('/api/v1/campaigns/forecast-draft').set(bearer(token)).send(body);

  it('forecasts the unsaved draft as the saved campaign would be, and follows each edit', async () => {
    clock.freeze(); // the two forecasts below are compared field for field, times included
    const first = await forecastDraft(draft()).expect(200);
    expect(first.body).toMatchObject({
      campaignId: null,
      sendAt: null,
      recipients: 30,
      messages: 30,
      freeMessages: 10,
      paidMessages: 20,
    });
    // Six messages make two requests per recipient; at most 5 recipients: 10 messages, all free.
    const edited = await forecastDraft({
      ...draft(),
      messages: Array.from({ length: 6 }, (_, i) => ({ type: 'text', text: `part ${i}` })),
      maxRecipients: 5,
    }).expect(200);
    expect(edited.body).toMatchObject({ recipients: 5, requestsPerRecipient: 2, messages: 10, paidMessages: 0 });
    // The same draft saved: its forecast is the draft's, field for field (but the id and the time).
    const saved = await t.http().post('/api/v1/campaigns').set(bearer(s.marketer.token)).send(draft()).expect(201);
    const stored = await t
      .http()
      .get(`/api/v1/campaigns/${saved.body.id}/forecast`)
      .set(bearer(s.marketer.token))
      .expect(200);
    const { campaignId: _a, computedAt: _b, sendAt: _c, ...fromDraft } = first.body;
    // quietHoursNow is the saved campaign's forecast only (send-now's dialog asks it whether send-now would be refused now).
    const { campaignId: _d, computedAt: _e, quietHoursNow: _f, ...fromSaved } = stored.body;
    expect(fromDraft).toEqual(fromSaved);
    clock.resume();
    // A cost cap below the paid part: the verdict and its reason come from the service.
    const capped = await forecastDraft({ ...draft(), costCap: '0.0001' }).expect(200);
    expect(capped.body.verdict).not.toBe('ok');
    expect(capped.body.reasons.length).toBeGreaterThan(0);
  });

  it("a scheduled draft is forecast at its first send, in that send's month", async () => {
    const answer = await forecastDraft({
      ...draft(),
      schedule: { cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: '2027-03-31T23:59:59+08:00' },
    }).expect(200);
    expect(answer.body.sendAt).toBe('2026-11-30T02:00:00.000Z'); // Monday 30 November, 10:00 +08:00
    expect(answer.body.month).toBe('2026-11');
    // A recurring send can't be deferred (saving refuses it): no defer suggestion, though it has a paid part.
    expect(answer.body.paidMessages).toBeGreaterThan(0);
    expect(answer.body.suggestions.map((s: { kind: string }) => s.kind)).not.toContain('defer');
    const december = await forecastDraft({ ...draft(), schedule: { at: '2026-12-02T10:00:00+08:00' } }).expect(200);
    expect(december.body).toMatchObject({ sendAt: '2026-12-02T02:00:00.000Z', month: '2026-12' });
  });

  it('refuses a draft the composer could not save, at the field, and stores nothing', async () => {
    const past = await forecastDraft({ ...draft(), schedule: { at: '2026-11-01T10:00:00+08:00' } }).expect(400);
    expect(past.body.details).toEqual([{ field: 'schedule.at', problem: 'must be in the future' }]);
    const defer = await forecastDraft({
      ...draft(),
      overBudgetPolicy: 'defer',
      schedule: { cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: '2027-03-31T23:59:59+08:00' },
    }).expect(400);
    expect(defer.body.details.map((d: { field: string }) => d.field)).toEqual(['overBudgetPolicy']);
    const other = await sendingScenario(t, sim, { followers: 1 });
    const foreign = await forecastDraft({ ...draft(), audienceId: other.audienceId }).expect(400);
    expect(foreign.body.details).toEqual([{ field: 'audienceId', problem: 'is an audience of another LINE account' }]);
    await forecastDraft({ ...draft(), messages: [] }).expect(400);
    await forecastDraft({ ...draft(), costCap: 12 }).expect(400);
    await forecastDraft({ ...draft(), lineAccountId: 'not-a-uuid' }).expect(400);
    // The API's last instant is 10000-01 in Taipei, a month no ledger counts: a 400, not a 500.
    const far = await forecastDraft({ ...draft(), schedule: { at: '9999-12-31T23:59:59.999Z' } }).expect(400);
    expect(far.body.details).toEqual([
      { field: 'schedule.at', problem: 'must be no later than 9999-12-31T09:59:59.999Z' },
    ]);
    const preview = await t
      .http()
      .post('/api/v1/forecasts')
      .set(bearer(s.marketer.token))
      .send({ lineAccountId: s.accountId, recipients: 10, messageObjects: 1, sendAt: '9999-12-31T23:59:59.999Z' })
      .expect(400);
    expect(preview.body.details[0].field).toBe('sendAt');
  });

  it("holds an A/B draft to saving's rules: no forecast of a test that could not be saved", async () => {
    const variants = [
      { name: 'Plain', messages: [{ type: 'text', text: 'A' }] },
      { name: 'Long', messages: Array.from({ length: 6 }, (_, i) => ({ type: 'text', text: `B ${i}` })) },
    ];
    const abTest = { testShare: 20, metric: 'unique_click_rate', waitMinutes: 60, undecided: 'none' };
    const ab = { ...draft(), messages: undefined, variants, abTest };
    // The whole test at its largest variant's two requests per recipient.
    const whole = await forecastDraft(ab).expect(200);
    expect(whole.body).toMatchObject({ recipients: 30, requestsPerRecipient: 2, messages: 60 });
    // Its paid part could go at the reset, but a test can't be deferred: not suggested (the plain draft's is).
    const kinds = (body: { suggestions: { kind: string }[] }) => body.suggestions.map((s) => s.kind);
    const plain = (await forecastDraft(draft()).expect(200)).body;
    expect(kinds(plain)).toContain('defer');
    // Waiting for next month is suggested at an instant: 10:00 on its 1st in the account's zone (Asia/Taipei).
    expect(plain.suggestions).toContainEqual(
      expect.objectContaining({ kind: 'next_month', month: '2026-12', at: '2026-12-01T02:00:00.000Z' }),
    );
    expect(kinds(whole.body)).not.toContain('defer');
    const fields = async (body: object) =>
      ((await forecastDraft(body).expect(400)).body.details as { field: string }[]).map((d) => d.field);
    const weekly = { cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: '2027-03-31T23:59:59+08:00' };
    expect(await fields({ ...ab, schedule: weekly })).toEqual(['abTest']);
    expect(await fields({ ...ab, overBudgetPolicy: 'defer' })).toEqual(['overBudgetPolicy']);
    expect(await fields({ ...ab, messages: draft().messages })).toEqual(['variants']);
    expect(await fields({ ...ab, abTest: undefined })).toEqual(['abTest']);
    expect(await fields({ ...draft(), abTest })).toEqual(['abTest']);
    // Saving refuses each of them at the same field.
    const saved = await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(s.marketer.token))
      .send({ ...ab, schedule: weekly });
    expect(saved.status).toBe(400);
    expect(saved.body.details.map((d: { field: string }) => d.field)).toEqual(['abTest']);
  });

  it("lists a cron's next five occurrences in the zone with its offset, across a DST change", async () => {
    const taipei = await t
      .http()
      .post('/api/v1/schedules/preview')
      .set(bearer(s.marketer.token))
      .send({ cron: '0 10 * * 1', timezone: 'Asia/Taipei' })
      .expect(200);
    expect(taipei.body.occurrences).toEqual([
      { at: '2026-11-30T02:00:00.000Z', local: '2026-11-30 10:00 +08:00', weekday: 'Mon' },
      { at: '2026-12-07T02:00:00.000Z', local: '2026-12-07 10:00 +08:00', weekday: 'Mon' },
      { at: '2026-12-14T02:00:00.000Z', local: '2026-12-14 10:00 +08:00', weekday: 'Mon' },
      { at: '2026-12-21T02:00:00.000Z', local: '2026-12-21 10:00 +08:00', weekday: 'Mon' },
      { at: '2026-12-28T02:00:00.000Z', local: '2026-12-28 10:00 +08:00', weekday: 'Mon' },
    ]);
    // New York leaves DST on 1 November 2026 and enters it on 14 March 2027: the offset follows.
    const ny = await t
      .http()
      .post('/api/v1/schedules/preview')
      .set(bearer(s.marketer.token))
      .send({ cron: '0 9 1 * *', timezone: 'America/New_York', count: 5 })
      .expect(200);
    expect(ny.body.occurrences.map((o: { local: string }) => o.local)).toEqual([
      '2026-12-01 09:00 -05:00',
      '2027-01-01 09:00 -05:00',
      '2027-02-01 09:00 -05:00',
      '2027-03-01 09:00 -05:00',
      '2027-04-01 09:00 -04:00',
    ]);
    // Fewer when until comes first; none for a date that never comes.
    const short = await t
      .http()
      .post('/api/v1/schedules/preview')
      .set(bearer(s.marketer.token))
      .send({ cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: '2026-12-08T00:00:00+08:00' })
      .expect(200);
    expect(short.body.occurrences).toHaveLength(2);
    const never = await t
      .http()
      .post('/api/v1/schedules/preview')
      .set(bearer(s.marketer.token))
      .send({ cron: '0 10 30 2 *', timezone: 'Asia/Taipei' })
      .expect(200);
    expect(never.body.occurrences).toEqual([]);
  });

  it('refuses a bad expression naming its field, a bad zone and a count out of range', async () => {
    const bad = await t
      .http()
      .post('/api/v1/schedules/preview')
      .set(bearer(s.marketer.token))
      .send({ cron: '60 10 * * 1', timezone: 'Asia/Taipei' })
      .expect(400);
    expect(bad.body.details[0].field).toBe('cron');
    expect(bad.body.details[0].problem).toMatch(/^minute/);
    for (const body of [
      { cron: '0 10 * * 1', timezone: 'Mars/Olympus' },
      { cron: '0 10 * * 1', timezone: 'Asia/Taipei', count: 21 },
      { cron: 5, timezone: 'Asia/Taipei' },
      { cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: 'tomorrow' },
    ])
      await t.http().post('/api/v1/schedules/preview').set(bearer(s.marketer.token)).send(body).expect(400);
  });
});
