import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { CampaignRunsService } from '../apps/api/src/campaigns/campaign-runs.service';
import { CampaignsRepository } from '../apps/api/src/campaigns/campaigns.repository';
import { Clock } from '../apps/api/src/common/clock';
import { PrismaService } from '../apps/api/src/database/prisma.service';
import { DispatcherService } from '../apps/api/src/dispatch/dispatcher.service';
import { bearer, createTestApp, TestApp } from './support/app';

/** Issue 6: campaigns, the approval workflow and runs, against a real PostgreSQL and the LINE simulator. */
describe('campaigns and the approval workflow', () => {
  const channelId = '1600000601';
  const accessToken = `sim-token-${randomUUID()}`;
  const userId = (n: number) => `U${n.toString(16).padStart(32, '0')}`;
  const VIPS = [userId(1), userId(2), userId(3)]; // following, tagged vip: the audience's recipients
  const BLOCKED_VIP = userId(4);
  const REGULAR = userId(5); // following, not vip
  const STRANGER = userId(99); // not a contact

  let t: TestApp;
  let sim: LineSimulatorHandle;
  let accountId: string;
  let audienceId: string;
  let marketer: { id: string; token: string };
  let otherMarketer: { id: string; token: string };
  let approver: { id: string; token: string };
  let secondApprover: { id: string; token: string };

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'campaigns-e2e' });
    await request(sim.url)
      .put(`/_sim/channels/${channelId}`)
      .send({
        accessToken,
        quota: { type: 'none' },
        consumption: 0,
        followers: [...VIPS, REGULAR],
        blocked: [BLOCKED_VIP],
      })
      .expect(201);
    t = await createTestApp();
    const account = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send({
        name: 'Campaign OA',
        channelId,
        channelAccessToken: accessToken,
        channelSecret: 'secret',
        plan: 'high',
        monthlyBudget: '1000',
        apiBaseUrl: sim.url,
      })
      .expect(201);
    accountId = account.body.id;
    [marketer, otherMarketer, approver, secondApprover] = await Promise.all([
      t.createUser('marketer'),
      t.createUser('marketer'),
      t.createUser('approver'),
      t.createUser('approver'),
    ]);
    await t
      .http()
      .put(`/api/v1/line-accounts/${accountId}/contacts`)
      .set(bearer(marketer.token))
      .send({
        contacts: [
          ...VIPS.map((lineUserId) => ({ lineUserId, tags: ['vip'], status: 'following' })),
          { lineUserId: BLOCKED_VIP, tags: ['vip'], status: 'blocked' },
          { lineUserId: REGULAR, tags: [], status: 'following' },
        ],
      })
      .expect(200);
    const audience = await t
      .http()
      .post('/api/v1/audiences')
      .set(bearer(marketer.token))
      .send({ lineAccountId: accountId, name: 'VIPs', definition: { tag: 'vip' } })
      .expect(201);
    audienceId = audience.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const TEXT = { type: 'text', text: 'Our VIP sale starts today!' };

  async function createCampaign(token: string, overrides: Record<string, unknown> = {}) {
    const response = await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(token))
      .send({
        lineAccountId: accountId,
        audienceId,
        name: 'VIP sale',
        messages: [TEXT],
        schedule: { at: inDays(2) },
        ...overrides,
      });
    expect(response.status).toBe(201);
    return response.body;
  }
  const act = (token: string, id: string, action: string, body: object = {}) =>
    t.http().post(`/api/v1/campaigns/${id}/${action}`).set(bearer(token)).send(body);
  const get = (token: string, path: string) => t.http().get(`/api/v1${path}`).set(bearer(token));
  const edit = (token: string, id: string, body: object) =>
    t.http().patch(`/api/v1/campaigns/${id}`).set(bearer(token)).send(body);
  const promote = async (user: { id: string }, role: string) => {
    const version = (await t.db.pool.query('SELECT version FROM users WHERE id = $1', [user.id])).rows[0].version;
    await t.http().patch(`/api/v1/users/${user.id}`).set(bearer(t.adminToken)).send({ version, role }).expect(200);
  };

  it('walks draft → submit → reject → edit → submit → approve → a scheduled run, all in the audit log', async () => {
    const at = inDays(3);
    const draft = await createCampaign(marketer.token, { schedule: { at } });
    expect(draft).toMatchObject({
      status: 'draft',
      version: 1,
      createdById: marketer.id,
      lastEditedById: marketer.id,
      requestsPerRecipient: 1,
      overBudgetPolicy: 'block',
      approval: null,
    });

    const forecast = (await get(marketer.token, `/campaigns/${draft.id}/forecast`).expect(200)).body;
    expect(forecast).toMatchObject({
      campaignId: draft.id,
      lineAccountId: accountId,
      recipients: 3,
      requestsPerRecipient: 1,
      messages: 3,
      verdict: 'ok',
      cost: { amount: '0.0000' },
    });

    const submitted = (await act(marketer.token, draft.id, 'submit').expect(200)).body;
    expect(submitted).toMatchObject({
      status: 'pending_approval',
      version: 2,
      submission: { submittedById: marketer.id, forecastId: expect.any(String) },
    });
    // Pending: no edits until withdrawn.
    const refusedEdit = await edit(marketer.token, draft.id, { version: 2, name: 'x' }).expect(409);
    expect(refusedEdit.body.message).toMatch(/pending_approval.*withdraw/);

    const rejected = (
      await act(approver.token, draft.id, 'reject', { reason: 'Say which stores take part.' }).expect(200)
    ).body;
    expect(rejected).toMatchObject({
      status: 'draft',
      submission: null,
      lastRejection: { rejectedById: approver.id, reason: 'Say which stores take part.' },
    });

    await edit(marketer.token, draft.id, { version: 2, name: 'stale' }).expect(409);
    const edited = (
      await edit(marketer.token, draft.id, {
        version: rejected.version,
        messages: [{ type: 'text', text: 'VIP sale in all Taipei stores!' }],
      }).expect(200)
    ).body;
    expect(edited).toMatchObject({
      status: 'draft',
      version: rejected.version + 1,
      messages: [{ type: 'text', text: 'VIP sale in all Taipei stores!' }],
    });

    await act(marketer.token, draft.id, 'submit', { version: edited.version }).expect(200);
    const approved = (await act(approver.token, draft.id, 'approve', { comment: 'Looks right.' }).expect(200)).body;
    expect(approved).toMatchObject({
      status: 'approved',
      approval: {
        approvedById: approver.id,
        comment: 'Looks right.',
        version: approved.version,
        recipients: 3,
        messages: 3,
        cost: { amount: '0.0000', currency: 'TWD' },
        forecastId: expect.any(String),
      },
    });

    const runs = (await get(marketer.token, `/campaigns/${draft.id}/runs`).expect(200)).body.items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      campaignId: draft.id,
      status: 'scheduled',
      trigger: 'schedule',
      scheduledAt: new Date(at).toISOString(),
      campaignVersion: approved.version,
      approved: {
        forecastId: approved.approval.forecastId,
        recipients: 3,
        messages: 3,
        cost: { amount: '0.0000', currency: 'TWD' },
      },
      forecast: null,
      reserved: { messages: 0 },
      progress: { recipients: 0, batches: 0, batchesDone: 0, delivered: 0, failed: 0 },
      blockReasons: [],
    });
    expect((await get(approver.token, `/runs/${runs[0].id}`).expect(200)).body).toEqual(runs[0]);

    const audit = (await get(approver.token, `/campaigns/${draft.id}/audit`).expect(200)).body.items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual([
      'campaign.created',
      'campaign.submitted',
      'campaign.rejected',
      'campaign.updated',
      'campaign.submitted',
      'campaign.approved',
    ]);
    const [, submittedEvent, rejectedEvent, updatedEvent, , approvedEvent] = audit;
    expect(submittedEvent).toMatchObject({
      actorId: marketer.id,
      before: { status: 'draft' },
      after: { status: 'pending_approval', forecast: { recipients: 3, messages: 3, verdict: 'ok' } },
    });
    expect(rejectedEvent).toMatchObject({
      actorId: approver.id,
      reason: 'Say which stores take part.',
      after: { status: 'draft' },
    });
    expect(updatedEvent.before.messages).toEqual([TEXT]);
    expect(approvedEvent).toMatchObject({
      actorId: approver.id,
      reason: 'Looks right.',
      before: { status: 'pending_approval' },
      after: {
        status: 'approved',
        forecast: { id: approved.approval.forecastId, recipients: 3, cost: { amount: '0.0000' } },
        runs: [{ id: runs[0].id }],
      },
    });
    // The forecasts behind the decisions are stored with their inputs.
    const { rows } = await t.db.pool.query(
      `SELECT purpose, inputs->>'recipients' AS recipients FROM forecasts WHERE campaign_id = $1 ORDER BY created_at`,
      [draft.id],
    );
    expect(rows.map((r) => r.purpose)).toEqual(['preview', 'submission', 'submission', 'approval']);
    expect(rows.every((r) => r.recipients === '3')).toBe(true);
  });

  it('refuses self-approval, approval by the last editor, a marketer approving and an approver editing', async () => {
    // A marketer can't approve, an approver can't edit or create, an admin can't approve.
    const campaign = await createCampaign(marketer.token);
    await act(marketer.token, campaign.id, 'submit').expect(200);
    const byMarketer = await act(otherMarketer.token, campaign.id, 'approve').expect(403);
    expect(byMarketer.body.message).toMatch(/approver/);
    await act(t.adminToken, campaign.id, 'approve').expect(403);
    await edit(approver.token, campaign.id, { version: 2, name: 'Approver edit' }).expect(403);
    await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(approver.token))
      .send({ lineAccountId: accountId, audienceId, name: 'x', messages: [TEXT] })
      .expect(403);

    // The creator, made an approver later, still can't approve their own campaign.
    const author = await t.createUser('marketer');
    const own = await createCampaign(author.token);
    await act(author.token, own.id, 'submit').expect(200);
    await promote(author, 'approver');
    const self = await act(author.token, own.id, 'approve').expect(403);
    expect(self.body.message).toMatch(/you created this campaign/);
    await act(author.token, own.id, 'reject', { reason: 'mine' }).expect(403);

    // Nor can the last editor, though someone else created it.
    const editor = await t.createUser('marketer');
    const shared = await createCampaign(marketer.token);
    await edit(editor.token, shared.id, { version: 1, name: 'VIP sale, edited' }).expect(200);
    await act(marketer.token, shared.id, 'submit').expect(200);
    await promote(editor, 'approver');
    const lastEditor = await act(editor.token, shared.id, 'approve').expect(403);
    expect(lastEditor.body.message).toMatch(/you last edited this campaign/);

    // An independent approver may.
    await act(approver.token, shared.id, 'approve').expect(200);
    const audit = (await get(approver.token, `/campaigns/${shared.id}/audit`).expect(200)).body.items;
    expect(audit.filter((e: { action: string }) => e.action === 'campaign.approved')).toHaveLength(1);
  });

  it('says what changed since the last approval, the audience rule included, after a withdrawal', async () => {
    const audience = (
      await t
        .http()
        .post('/api/v1/audiences')
        .set(bearer(marketer.token))
        .send({ lineAccountId: accountId, name: 'VIPs again', definition: { tag: 'vip' } })
        .expect(201)
    ).body;
    const campaign = await createCampaign(marketer.token, { audienceId: audience.id, costCap: '50' });
    const never = (await get(approver.token, `/campaigns/${campaign.id}/changes`).expect(200)).body;
    expect(never).toEqual({ campaignId: campaign.id, lastApproval: null, changes: [] });

    const submitted = (await act(marketer.token, campaign.id, 'submit', { version: 1 }).expect(200)).body;
    const approved = (
      await act(approver.token, campaign.id, 'approve', { version: submitted.version, comment: 'ok' }).expect(200)
    ).body;
    const unchanged = (await get(marketer.token, `/campaigns/${campaign.id}/changes`).expect(200)).body;
    expect(unchanged).toMatchObject({
      lastApproval: { approvedById: approver.id, version: approved.version, comment: 'ok' },
      changes: [],
    });

    const withdrawn = (await act(marketer.token, campaign.id, 'withdraw', { version: approved.version }).expect(200))
      .body;
    expect(withdrawn.approval).toBeNull();
    const message = { type: 'text', text: 'Now 20% off' };
    await edit(marketer.token, campaign.id, {
      version: withdrawn.version,
      messages: [message],
      costCap: null,
      overBudgetPolicy: 'trim',
    }).expect(200);
    await t
      .http()
      .patch(`/api/v1/audiences/${audience.id}`)
      .set(bearer(marketer.token))
      .send({ version: audience.version, definition: { all: [{ tag: 'vip' }, { not: { tag: 'staff' } }] } })
      .expect(200);
    const changed = (await get(approver.token, `/campaigns/${campaign.id}/changes`).expect(200)).body;
    expect(changed.lastApproval).toMatchObject({ approvedById: approver.id, version: approved.version });
    expect(changed.changes).toEqual([
      { field: 'messages', before: [TEXT], after: [message] },
      {
        field: 'audience',
        before: { id: audience.id, name: 'VIPs again', definition: { tag: 'vip' } },
        after: {
          id: audience.id,
          name: 'VIPs again',
          definition: { all: [{ tag: 'vip' }, { not: { tag: 'staff' } }] },
        },
      },
      { field: 'overBudgetPolicy', before: 'block', after: 'trim' },
      { field: 'costCap', before: '50.0000', after: null },
    ]);
  });

  it('lets exactly one of several concurrent approvals through', async () => {
    const campaign = await createCampaign(marketer.token);
    await act(marketer.token, campaign.id, 'submit').expect(200);
    const approvers = [
      approver,
      secondApprover,
      ...(await Promise.all([t.createUser('approver'), t.createUser('approver'), t.createUser('approver')])),
    ];
    const responses = await Promise.all(
      approvers.map((a) => act(a.token, campaign.id, 'approve', { comment: `by ${a.id}` })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409]);
    for (const refused of responses.filter((r) => r.status === 409))
      expect(refused.body.message).toMatch(/is approved/);
    const winner = responses.find((r) => r.status === 200)!.body;

    const runs = (await get(marketer.token, `/campaigns/${campaign.id}/runs`).expect(200)).body.items;
    expect(runs).toHaveLength(1);
    const audit = (await get(marketer.token, `/campaigns/${campaign.id}/audit`).expect(200)).body.items;
    expect(audit.filter((e: { action: string }) => e.action === 'campaign.approved')).toEqual([
      expect.objectContaining({ actorId: winner.approval.approvedById }),
    ]);
    const { rows } = await t.db.pool.query(
      `SELECT count(*)::int AS n FROM forecasts WHERE campaign_id = $1 AND purpose = 'approval'`,
      [campaign.id],
    );
    expect(rows[0].n).toBe(1); // the losers' forecasts rolled back with their transactions
  });

  it("starts a scheduled run when the service's clock reaches its time, not the database's", async () => {
    // An audience nobody is in: the run reserves nothing the later tests on this account would see.
    const nobody = await t
      .http()
      .post('/api/v1/audiences')
      .set(bearer(marketer.token))
      .send({ lineAccountId: accountId, name: 'Nobody', definition: { tag: 'no-contact-has-this' } })
      .expect(201);
    const campaign = await createCampaign(marketer.token, { audienceId: nobody.body.id, schedule: { at: inDays(1) } });
    await act(marketer.token, campaign.id, 'submit').expect(200);
    await act(approver.token, campaign.id, 'approve').expect(200);
    const runStatus = async () =>
      (
        (await get(marketer.token, `/campaigns/${campaign.id}/runs`).expect(200)).body.items as { status: string }[]
      ).map((run) => run.status);
    const dispatcher = t.app.get(DispatcherService);
    await dispatcher.schedulerTick();
    expect(await runStatus()).toEqual(['scheduled']);

    // A day and a half ahead: this run is due, the other tests' runs (two days ahead and later) are not.
    const spy = jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(inDays(1.5)));
    try {
      await dispatcher.schedulerTick();
    } finally {
      spy.mockRestore();
    }
    expect(await runStatus()).not.toEqual(['scheduled']);
  });

  it('takes the cron syntax people paste from other crons: L is the local last day of the month', async () => {
    const clock = t.app.get(Clock);
    const spy = jest.spyOn(clock, 'now').mockImplementation(() => new Date('2027-01-20T00:00:00Z'));
    try {
      const campaign = await createCampaign(marketer.token, {
        schedule: { cron: '0 9 L * *', timezone: 'Asia/Taipei', until: '2027-06-01T00:00:00+08:00' },
      });
      await act(marketer.token, campaign.id, 'submit').expect(200);
      await act(approver.token, campaign.id, 'approve').expect(200);
      const runs = (await get(marketer.token, `/campaigns/${campaign.id}/runs`).expect(200)).body.items;
      expect(runs.map((r: { scheduledAt: string }) => r.scheduledAt)).toEqual(['2027-01-31T01:00:00.000Z']);
    } finally {
      spy.mockRestore();
    }
  });

  it("creates a recurring campaign's runs one at a time, on the right local times across a month boundary", async () => {
    // Mondays 07:30 in Taipei (UTC+8) are Sundays 23:30 UTC: the run of Monday 1 February is still January in UTC.
    const clock = t.app.get(Clock);
    let now = new Date('2027-01-20T00:00:00Z');
    const spy = jest.spyOn(clock, 'now').mockImplementation(() => now);
    try {
      const campaign = await createCampaign(marketer.token, {
        schedule: { cron: '30 7 * * 1', timezone: 'Asia/Taipei', until: '2027-02-10T00:00:00+08:00' },
      });
      expect(campaign.schedule).toEqual({
        cron: '30 7 * * 1',
        timezone: 'Asia/Taipei',
        until: '2027-02-09T16:00:00.000Z',
      });
      await act(marketer.token, campaign.id, 'submit').expect(200);
      await act(approver.token, campaign.id, 'approve').expect(200);

      const runsService = t.app.get(CampaignRunsService);
      const prisma = t.app.get(PrismaService);
      const listRuns = async () =>
        (await get(marketer.token, `/campaigns/${campaign.id}/runs`).expect(200)).body.items as {
          id: string;
          status: string;
          scheduledAt: string;
        }[];
      /** What dispatch does when a run ends: its final status, then the hook, in one transaction. */
      const finish = async (runId: string, at: string) => {
        now = new Date(at);
        await prisma.transaction(async (tx) => {
          await prisma.db(tx).campaignRun.update({
            where: { id: runId },
            data: { status: 'completed', startedAt: now, finishedAt: now },
          });
          await runsService.onRunFinished(runId, tx);
        });
      };

      let runs = await listRuns();
      expect(runs.map((r) => [r.scheduledAt, r.status])).toEqual([['2027-01-24T23:30:00.000Z', 'scheduled']]);
      await finish(runs[0].id, '2027-01-25T00:00:00Z');
      runs = await listRuns();
      expect(runs.map((r) => [r.scheduledAt, r.status])).toEqual([
        ['2027-01-24T23:30:00.000Z', 'completed'],
        ['2027-01-31T23:30:00.000Z', 'scheduled'],
      ]);
      expect((await get(marketer.token, `/campaigns/${campaign.id}`).expect(200)).body.status).toBe('approved');
      // The hook may be called again (a retried worker): still one run per occurrence.
      await prisma.transaction((tx) => runsService.onRunFinished(runs[0].id, tx));
      expect(await listRuns()).toHaveLength(2);

      await finish(runs[1].id, '2027-02-01T00:10:00Z');
      runs = await listRuns();
      expect(runs[2]).toMatchObject({ scheduledAt: '2027-02-07T23:30:00.000Z', status: 'scheduled' });
      // Even much later, a repeated hook for an earlier run chains nothing more.
      await prisma.transaction((tx) => runsService.onRunFinished(runs[0].id, tx));
      expect(await listRuns()).toHaveLength(3);
      await finish(runs[2].id, '2027-02-08T00:10:00Z');

      runs = await listRuns();
      expect(runs).toHaveLength(3); // the next Monday, 15 February, is past `until`
      const taipei = new Intl.DateTimeFormat('en-US', {
        timeZone: 'Asia/Taipei',
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
      expect(runs.map((r) => taipei.format(new Date(r.scheduledAt)))).toEqual([
        'Mon, Jan 25, 07:30',
        'Mon, Feb 1, 07:30',
        'Mon, Feb 8, 07:30',
      ]);
      expect((await get(marketer.token, `/campaigns/${campaign.id}`).expect(200)).body.status).toBe('completed');
      const runFinished = (await get(marketer.token, `/campaigns/${campaign.id}/audit`).expect(200)).body.items.filter(
        (e: { action: string }) => e.action === 'campaign.run_finished',
      );
      expect(
        runFinished.map((e: { actorId: string | null; after: { nextRun: unknown } }) => [
          e.actorId,
          e.after.nextRun === null,
        ]),
      ).toEqual([
        [null, false],
        [null, false],
        [null, true],
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps an edit after approval from reaching a run without a new approval', async () => {
    const campaign = await createCampaign(marketer.token);
    await act(marketer.token, campaign.id, 'submit').expect(200);
    const approved = (await act(approver.token, campaign.id, 'approve').expect(200)).body;
    const [oldRun] = (await get(marketer.token, `/campaigns/${campaign.id}/runs`).expect(200)).body.items;
    const runsService = t.app.get(CampaignRunsService);
    const campaigns = t.app.get(CampaignsRepository);
    const mayStart = async (runId: string) => {
      const run = (await t.app.get(PrismaService).client.campaignRun.findUniqueOrThrow({ where: { id: runId } }))!;
      return runsService.mayStart(run, (await campaigns.findById(campaign.id))!);
    };
    expect(await mayStart(oldRun.id)).toBe(true);

    // Approved content can't be edited in place.
    const refused = await edit(marketer.token, campaign.id, {
      version: approved.version,
      messages: [{ type: 'text', text: 'Changed after approval' }],
    }).expect(409);
    expect(refused.body.message).toMatch(/is approved.*withdraw/);

    // Withdrawing discards the approval and cancels the waiting run; then the edit goes through.
    const withdrawn = (await act(marketer.token, campaign.id, 'withdraw', { reason: 'wrong coupon' }).expect(200)).body;
    expect(withdrawn).toMatchObject({ status: 'draft', approval: null });
    await edit(marketer.token, campaign.id, {
      version: withdrawn.version,
      messages: [{ type: 'text', text: 'Changed after approval' }],
    }).expect(200);
    expect((await get(marketer.token, `/runs/${oldRun.id}`).expect(200)).body.status).toBe('cancelled');
    await act(approver.token, campaign.id, 'send-now').expect(409);

    // Even revived by hand, the old run carries the old approval: the gate's check refuses it.
    await t.db.pool.query(`UPDATE campaign_runs SET status = 'scheduled' WHERE id = $1`, [oldRun.id]);
    expect(await mayStart(oldRun.id)).toBe(false);
    await act(marketer.token, campaign.id, 'submit').expect(200);
    expect(await mayStart(oldRun.id)).toBe(false);

    // A new approval covers the edited content, with a run of its own.
    const reapproved = (await act(secondApprover.token, campaign.id, 'approve').expect(200)).body;
    expect(reapproved.approval.version).toBeGreaterThan(approved.approval.version);
    const runs = (await get(marketer.token, `/campaigns/${campaign.id}/runs`).expect(200)).body.items;
    const newRun = runs.find((r: { id: string }) => r.id !== oldRun.id);
    expect(newRun).toMatchObject({ status: 'scheduled', campaignVersion: reapproved.approval.version });
    expect(await mayStart(newRun.id)).toBe(true);
    expect(await mayStart(oldRun.id)).toBe(false);
    const actions = (await get(marketer.token, `/campaigns/${campaign.id}/audit`).expect(200)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions).toEqual([
      'campaign.created',
      'campaign.submitted',
      'campaign.approved',
      'campaign.withdrawn',
      'campaign.updated',
      'campaign.submitted',
      'campaign.approved',
    ]);
  });

  it('checks message objects on save with the field path, and forecasts more than 5 as several requests', async () => {
    const bad = await t
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(marketer.token))
      .send({
        lineAccountId: accountId,
        audienceId,
        name: 'Bad',
        messages: [
          TEXT,
          { type: 'text', text: '' },
          {
            type: 'image',
            originalContentUrl: 'http://example.com/a.jpg',
            previewImageUrl: 'https://example.com/p.jpg',
          },
          { type: 'carousel' },
        ],
      })
      .expect(400);
    const fields = bad.body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['messages[1].text', 'messages[2].originalContentUrl', 'messages[3].type']),
    );

    const seven = await createCampaign(marketer.token, {
      messages: Array.from({ length: 7 }, (_, i) => ({ type: 'text', text: `Part ${i + 1}` })),
    });
    expect(seven.requestsPerRecipient).toBe(2);
    const forecast = (await get(marketer.token, `/campaigns/${seven.id}/forecast`).expect(200)).body;
    expect(forecast).toMatchObject({ recipients: 3, requestsPerRecipient: 2, messages: 6 });

    const capped = await createCampaign(marketer.token, { maxRecipients: 2, costCap: '50', overBudgetPolicy: 'trim' });
    expect(capped).toMatchObject({
      maxRecipients: 2,
      costCap: { amount: '50.0000', currency: 'TWD' },
      overBudgetPolicy: 'trim',
    });
    expect((await get(marketer.token, `/campaigns/${capped.id}/forecast`).expect(200)).body.recipients).toBe(2);
  });

  it('refuses bad schedules, audiences of other accounts and unknown ids with 400 naming the field', async () => {
    const post = (body: object) =>
      t
        .http()
        .post('/api/v1/campaigns')
        .set(bearer(marketer.token))
        .send({ lineAccountId: accountId, audienceId, name: 'x', messages: [TEXT], ...body });
    const fieldsOf = async (body: object) =>
      (await post(body).expect(400)).body.details.map((d: { field: string }) => d.field);
    expect(await fieldsOf({ schedule: { at: '2020-01-01T00:00:00Z' } })).toEqual(['schedule.at']);
    expect(await fieldsOf({ schedule: { at: 'tomorrow' } })).toEqual(['schedule.at']);
    expect(await fieldsOf({ schedule: { cron: '0 25 * * *', timezone: 'Asia/Taipei', until: inDays(30) } })).toEqual([
      'schedule.cron',
    ]);
    const badWeekday = await post({ schedule: { cron: '0 9 * * 1#6', timezone: 'Asia/Taipei', until: inDays(30) } });
    expect(badWeekday.status).toBe(400);
    expect(badWeekday.body.details).toEqual([
      { field: 'schedule.cron', problem: expect.stringMatching(/^dayOfWeek: "1#6" is not valid/) },
    ]);
    expect(await fieldsOf({ schedule: { cron: '0 10 * * 1', timezone: 'Mars/Olympus', until: inDays(30) } })).toEqual([
      'schedule.timezone',
    ]);
    expect(await fieldsOf({ schedule: { cron: '0 10 * * 1' } })).toEqual(
      expect.arrayContaining(['schedule.timezone', 'schedule.until']),
    );
    expect(
      await fieldsOf({ schedule: { at: inDays(1), cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: inDays(30) } }),
    ).toEqual(['schedule']);
    expect(await fieldsOf({ audienceId: randomUUID() })).toEqual(['audienceId']);
    expect(await fieldsOf({ lineAccountId: randomUUID() })).toEqual(['lineAccountId']);
    expect(await fieldsOf({ overBudgetPolicy: 'spend' })).toEqual(['overBudgetPolicy']);

    const other = await t
      .http()
      .post('/api/v1/line-accounts')
      .set(bearer(t.adminToken))
      .send({
        name: 'Other OA',
        channelId: '1600000602',
        channelAccessToken: 'x',
        channelSecret: 'y',
        plan: 'high',
        monthlyBudget: '10',
        apiBaseUrl: sim.url,
      })
      .expect(201);
    const foreignAudience = await t
      .http()
      .post('/api/v1/audiences')
      .set(bearer(marketer.token))
      .send({ lineAccountId: other.body.id, name: 'Elsewhere', definition: { tag: 'vip' } })
      .expect(201);
    expect(await fieldsOf({ audienceId: foreignAudience.body.id })).toEqual(['audienceId']);
    await get(marketer.token, `/campaigns/${randomUUID()}`).expect(404);
    await get(marketer.token, `/campaigns/${randomUUID()}/runs`).expect(404);
    await get(marketer.token, `/runs/${randomUUID()}`).expect(404);
  });

  it('answers a wrong transition with 409 naming the current state', async () => {
    const campaign = await createCampaign(marketer.token);
    const approveDraft = await act(approver.token, campaign.id, 'approve').expect(409);
    expect(approveDraft.body).toMatchObject({
      message: expect.stringMatching(/can't approve a campaign that is draft/),
      details: [{ field: 'status', problem: 'is draft' }],
    });
    await act(marketer.token, campaign.id, 'submit').expect(200);
    expect((await act(marketer.token, campaign.id, 'submit').expect(409)).body.message).toMatch(/is pending_approval/);
    await act(marketer.token, campaign.id, 'resume').expect(409);
    await act(marketer.token, campaign.id, 'submit', { version: 1 }).expect(409);
    await act(approver.token, campaign.id, 'approve', { version: 1 }).expect(409);
    await act(marketer.token, campaign.id, 'cancel').expect(200);
    expect((await act(marketer.token, campaign.id, 'withdraw').expect(409)).body.message).toMatch(/is cancelled/);
  });

  it('pauses, resumes and cancels runs; sends now only for approvers and admins', async () => {
    const campaign = await createCampaign(marketer.token);
    await act(marketer.token, campaign.id, 'submit').expect(200);
    await act(approver.token, campaign.id, 'approve').expect(200);
    const runStatus = async () =>
      (await get(marketer.token, `/campaigns/${campaign.id}/runs`).expect(200)).body.items.map(
        (r: { status: string }) => r.status,
      );

    await act(otherMarketer.token, campaign.id, 'pause').expect(403); // not their campaign
    expect((await act(marketer.token, campaign.id, 'pause', { reason: 'stock late' }).expect(200)).body.status).toBe(
      'paused',
    );
    expect(await runStatus()).toEqual(['paused']);
    await act(approver.token, campaign.id, 'send-now').expect(409);
    expect((await act(approver.token, campaign.id, 'resume').expect(200)).body.status).toBe('approved');
    expect(await runStatus()).toEqual(['scheduled']);

    await act(marketer.token, campaign.id, 'send-now').expect(403);
    const before = Date.now();
    const sent = await act(approver.token, campaign.id, 'send-now').expect(202);
    expect(sent.body).toMatchObject({ status: 'scheduled', trigger: 'send_now' });
    expect(new Date(sent.body.scheduledAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await runStatus()).toEqual(['scheduled']); // brought forward, not a second send

    expect(
      (await act(approver.token, campaign.id, 'cancel', { reason: 'campaign dropped' }).expect(200)).body.status,
    ).toBe('cancelled');
    expect(await runStatus()).toEqual(['cancelled']);
    const audit = (await get(marketer.token, `/campaigns/${campaign.id}/audit`).expect(200)).body.items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual([
      'campaign.created',
      'campaign.submitted',
      'campaign.approved',
      'campaign.paused',
      'campaign.resumed',
      'campaign.send_now',
      'campaign.cancelled',
    ]);
    expect(audit[3]).toMatchObject({ actorId: marketer.id, reason: 'stock late', after: { status: 'paused' } });
    expect(audit[6]).toMatchObject({ actorId: approver.id, reason: 'campaign dropped' });
  });

  it('test-sends to a few following contacts, counted in the month like any Push', async () => {
    const campaign = await createCampaign(marketer.token, {
      messages: Array.from({ length: 6 }, (_, i) => ({ type: 'text', text: `Part ${i + 1}` })),
    });
    const usedBefore = (await get(t.adminToken, `/line-accounts/${accountId}/usage`).expect(200)).body.used;

    const refused = await act(marketer.token, campaign.id, 'test-send', {
      lineUserIds: [VIPS[0], STRANGER, BLOCKED_VIP],
    }).expect(400);
    expect(refused.body.details.map((d: { field: string }) => d.field)).toEqual(['lineUserIds[1]', 'lineUserIds[2]']);
    await act(marketer.token, campaign.id, 'test-send', {
      lineUserIds: Array.from({ length: 11 }, (_, i) => userId(i + 1)),
    }).expect(400);
    await act(marketer.token, campaign.id, 'test-send', { lineUserIds: ['not-a-user'] }).expect(400);

    const sent = (await act(marketer.token, campaign.id, 'test-send', { lineUserIds: [VIPS[0], REGULAR] }).expect(200))
      .body;
    expect(sent).toMatchObject({ messagesCounted: 4, cost: { amount: '0.0000', currency: 'TWD' } }); // 2 users × 2 requests (6 objects)
    expect(sent.results).toEqual([
      expect.objectContaining({ lineUserId: VIPS[0], accepted: true, requests: 2 }),
      expect.objectContaining({ lineUserId: REGULAR, accepted: true, requests: 2 }),
    ]);
    const delivered = (
      await request(sim.url).get(`/_sim/channels/${channelId}/deliveries?userId=${REGULAR}`).expect(200)
    ).body;
    expect(
      delivered.deliveries.flatMap((d: { messages: { text: string }[] }) => d.messages.map((m) => m.text)),
    ).toEqual(['Part 1', 'Part 2', 'Part 3', 'Part 4', 'Part 5', 'Part 6']);

    const usage = (await get(t.adminToken, `/line-accounts/${accountId}/usage`).expect(200)).body;
    expect(usage.used).toBe(usedBefore + 4);
    expect(usage.reserved).toBe(0);
    expect(usage.byCampaign).toContainEqual(expect.objectContaining({ campaignId: campaign.id, messages: 4 }));
    const audit = (await get(marketer.token, `/campaigns/${campaign.id}/audit`).expect(200)).body.items;
    expect(audit.at(-1)).toMatchObject({
      action: 'campaign.test_sent',
      actorId: marketer.id,
      after: { messagesCounted: 4 },
    });
    expect((await get(marketer.token, `/campaigns/${campaign.id}`).expect(200)).body.status).toBe('draft');
  });

  it('lists campaigns by status and account', async () => {
    const draft = await createCampaign(marketer.token, { name: 'Listed draft' });
    const all = (await get(approver.token, `/campaigns?lineAccountId=${accountId}&limit=500`).expect(200)).body.items;
    expect(all.map((c: { id: string }) => c.id)).toContain(draft.id);
    const pending = (await get(approver.token, '/campaigns?status=pending_approval&limit=500').expect(200)).body.items;
    expect(pending.every((c: { status: string }) => c.status === 'pending_approval')).toBe(true);
    expect(pending.map((c: { id: string }) => c.id)).not.toContain(draft.id);
    await get(approver.token, '/campaigns?status=bogus').expect(400);
    const firstPage = (await get(approver.token, '/campaigns?limit=1').expect(200)).body;
    expect(firstPage.items).toHaveLength(1);
    expect(firstPage.nextCursor).toEqual(expect.any(String));
  });
});
