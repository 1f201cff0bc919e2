import type { LineSimulatorHandle } from '@lcm/line-simulator';
import { bearer, TestApp } from './support/app';
import {
  approveCampaign,
  closeSimulatorAndApp,
  postCampaign,
  sendingScenario,
  SendingScenario,
  simulatorAndApp,
  submitCampaign,
} from './support/dispatch-fixture';
import { TestClock } from './support/test-clock';

/**
 * GET /approvals: the Approvals page's one request. Each campaign pending approval comes with what
 * its card shows, the same figures the per-campaign routes answer (forecast, changes, audience and
 * its size, the forecast kept with the submission), so the page needs no request per campaign.
 */
describe('approvals: campaigns pending approval with what the approver reviews', () => {
  const clock = new TestClock('2026-11-27T04:00:00Z');
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let s: SendingScenario;

  beforeAll(async () => {
    ({ sim, t } = await simulatorAndApp('approvals-list', clock, {}, { simulatorClock: true }));
    s = await sendingScenario(t, sim, { followers: 30 });
  });
  afterAll(() => closeSimulatorAndApp(t, sim));

  const get = (path: string, token = s.approver.token) => t.http().get(`/api/v1${path}`).set(bearer(token)).expect(200);

  it('lists each pending campaign with its forecast now and at submission, changes, audience and size', async () => {
    // One approved, withdrawn, edited and submitted again (changes since its approval); one submitted once; one draft.
    const again = (await postCampaign(t, s, { name: 'Again', messages: [{ type: 'text', text: 'Hi' }] }).expect(201))
      .body;
    let version = (await submitCampaign(t, s, again.id)).body.version;
    version = (await approveCampaign(t, s, again.id, { version })).body.version;
    version = (
      await t
        .http()
        .post(`/api/v1/campaigns/${again.id}/withdraw`)
        .set(bearer(s.marketer.token))
        .send({ version })
        .expect(200)
    ).body.version;
    await t
      .http()
      .patch(`/api/v1/campaigns/${again.id}`)
      .set(bearer(s.marketer.token))
      .send({ version, messages: [{ type: 'text', text: 'Hi again' }] })
      .expect(200);
    await submitCampaign(t, s, again.id);
    const once = (await postCampaign(t, s, { name: 'Once', messages: [{ type: 'text', text: 'Yo' }] }).expect(201))
      .body;
    await submitCampaign(t, s, once.id);
    await postCampaign(t, s, { name: 'Draft', messages: [{ type: 'text', text: 'Not yet' }] }).expect(201);

    const { items, nextCursor } = (await get(`/approvals?lineAccountId=${s.accountId}&limit=100`)).body;
    expect(nextCursor).toBeNull();
    expect(items.map((item: { campaign: { name: string } }) => item.campaign.name).sort()).toEqual(['Again', 'Once']);
    for (const item of items) {
      const id = item.campaign.id as string;
      // The same answers as the routes the page asked one by one before.
      expect(item.campaign).toEqual((await get(`/campaigns/${id}`)).body);
      expect(item.changes).toEqual((await get(`/campaigns/${id}/changes`)).body);
      expect(item.audience).toEqual((await get(`/audiences/${s.audienceId}`)).body);
      const size = (await get(`/audiences/${s.audienceId}/size`)).body;
      expect(item.audienceSize).toEqual({ ...size, computedAt: expect.any(String) });
      const now = (await get(`/campaigns/${id}/forecast`)).body;
      expect(item.forecast).toMatchObject({ recipients: now.recipients, cost: now.cost, verdict: now.verdict });
      const audit = (await get(`/campaigns/${id}/audit`)).body.items;
      const submitted = audit.filter((e: { action: string }) => e.action === 'campaign.submitted').at(-1);
      expect(item.atSubmission).toEqual(submitted.after.forecast);
      expect(item.atSubmission).toMatchObject({ recipients: 30, verdict: 'ok' });
    }
    const byName = (name: string) => items.find((item: { campaign: { name: string } }) => item.campaign.name === name);
    expect(byName('Again').changes.changes.map((c: { field: string }) => c.field)).toEqual(['messages']);
    expect(byName('Once').changes).toMatchObject({ lastApproval: null, changes: [] });

    // Paged like every list, at most 100 a page (each campaign of it is forecast).
    const other = await t.http().get(`/api/v1/approvals?limit=1`).set(bearer(s.approver.token)).expect(200);
    expect(other.body.items).toHaveLength(1);
    expect(other.body.nextCursor).toEqual(expect.any(String));
    await t.http().get('/api/v1/approvals?limit=101').set(bearer(s.approver.token)).expect(400);
  });
});
