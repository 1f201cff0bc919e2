import type { Campaign, CampaignRun } from '@lcm/database';
import type { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import type { AudiencesService } from '../audiences/audiences.service';
import type { ComputedForecast } from '../billing/forecast-engine.service';
import { ApiError } from '../common/api-error';
import type { Clock } from '../common/clock';
import type { Transaction } from '../database/prisma.service';
import type { LineAccountsService } from '../line-accounts/line-accounts.service';
import type { MonthWatcher } from '../ports/month-watcher';
import type { CampaignForecastService } from './campaign-forecast.service';
import type { CampaignReadsService } from './campaign-reads.service';
import type { CampaignRunsService } from './campaign-runs.service';
import type { CampaignChangesService } from './campaign-changes.service';
import { CampaignWorkflowService } from './campaign-workflow.service';
import type { CampaignResponseDto } from './campaigns.dto';
import type { CampaignsRepository } from './campaigns.repository';

// The four-eyes rule lives in CampaignWorkflowService: these tests drive the service itself, with
// the project's own collaborators stubbed (no Nest, no database), and read what it wrote.

const NOW = new Date('2026-03-02T01:00:00Z');
const TX = {} as Transaction;

const marketer: AuthUser = { id: 'marketer-1', email: 'm@example.com', name: 'Marketer', role: 'marketer' };
const editor: AuthUser = { id: 'approver-editor', email: 'e@example.com', name: 'Editing approver', role: 'approver' };
const approver: AuthUser = { id: 'approver-2', email: 'a@example.com', name: 'Approver', role: 'approver' };

function pendingCampaign(changes: Partial<Campaign> = {}): Campaign {
  return {
    id: 'campaign-1',
    lineAccountId: 'account-1',
    audienceId: 'audience-1',
    name: 'Spring sale',
    messages: [{ type: 'text', text: 'hello' }],
    scheduleAt: new Date('2026-03-05T01:00:00Z'),
    scheduleCron: null,
    scheduleTimezone: null,
    scheduleUntil: null,
    status: 'pending_approval',
    version: 3,
    createdById: marketer.id,
    lastEditedById: marketer.id,
    approvedById: null,
    approvedAt: null,
    approvedVersion: null,
    ...changes,
  } as Campaign;
}

const computed = {
  response: {
    month: '2026-03',
    recipients: 120,
    messages: 120,
    freeMessages: 120,
    paidMessages: 0,
    cost: { amount: '0.00', currency: 'TWD' },
    verdict: 'ok',
    reasons: [],
  },
  rateCardId: 'card-1',
  input: {},
} as unknown as ComputedForecast;

function workflowFor(campaign: Campaign) {
  const writes: { updates: unknown[]; runs: Date[]; audit: string[]; forecasts: string[] } = {
    updates: [],
    runs: [],
    audit: [],
    forecasts: [],
  };
  const repository = {
    transaction: <T>(work: (tx: Transaction) => Promise<T>) => work(TX),
    lockById: () => Promise.resolve(campaign),
    updateWhere: (_id: string, _expected: unknown, data: Partial<Campaign>) => {
      writes.updates.push(data);
      return Promise.resolve({ ...campaign, ...data, version: campaign.version + 1 });
    },
  } as unknown as CampaignsRepository;
  const reads = {
    mustFind: () => Promise.resolve(campaign),
    respond: (after: Campaign) => Promise.resolve({ id: after.id, status: after.status } as CampaignResponseDto),
  } as unknown as CampaignReadsService;
  const runs = {
    pauseAll: () => Promise.resolve({ paused: [], stopping: [] }),
    create: (_campaign: Campaign, at: Date) => {
      writes.runs.push(at);
      return Promise.resolve({ id: 'run-1', scheduledAt: at } as CampaignRun);
    },
  } as unknown as CampaignRunsService;
  const forecaster = {
    computeForDecision: () => Promise.resolve(computed),
    store: (_campaign: Campaign, _computed: ComputedForecast, purpose: string) => {
      writes.forecasts.push(purpose);
      return Promise.resolve('forecast-1');
    },
  } as unknown as CampaignForecastService;
  const audit = {
    record: (event: { action: string }) => {
      writes.audit.push(event.action);
      return Promise.resolve();
    },
  } as unknown as AuditService;
  const clock = { now: () => NOW } as Clock;
  const service = new CampaignWorkflowService(
    repository,
    reads,
    runs,
    forecaster,
    {} as LineAccountsService,
    // The audience exists: approve holds its row (FOR SHARE) against a concurrent delete.
    { holdForCampaign: async () => true } as unknown as AudiencesService,
    audit,
    clock,
    { monthChanged: () => Promise.resolve() } as MonthWatcher,
    { contentOf: () => Promise.resolve({}) } as unknown as CampaignChangesService,
  );
  return { service, writes };
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe('CampaignWorkflowService: four eyes', () => {
  it("refuses the creator's own approval and rejection with 403, writing nothing", async () => {
    const campaign = pendingCampaign({ createdById: approver.id, lastEditedById: approver.id });
    const { service, writes } = workflowFor(campaign);

    const approval = await refusal(service.approve(approver, campaign.id, { version: campaign.version }));
    expect(approval.getStatus()).toBe(403);
    expect(approval.message).toBe('you created this campaign; another approver must approve it');
    const rejection = await refusal(service.reject(approver, campaign.id, { version: campaign.version, reason: 'no' }));
    expect(rejection.getStatus()).toBe(403);
    expect(rejection.message).toBe('you created this campaign; another approver must reject it');

    expect(writes).toEqual({ updates: [], runs: [], audit: [], forecasts: [] });
  });

  it('refuses an approver who last edited the campaign, though someone else created it', async () => {
    const campaign = pendingCampaign({ lastEditedById: editor.id });
    const { service, writes } = workflowFor(campaign);

    const approval = await refusal(service.approve(editor, campaign.id, { version: campaign.version }));
    expect(approval.getStatus()).toBe(403);
    expect(approval.message).toBe('you last edited this campaign; another approver must approve it');
    const rejection = await refusal(service.reject(editor, campaign.id, { version: campaign.version, reason: 'no' }));
    expect(rejection.message).toBe('you last edited this campaign; another approver must reject it');
    expect(writes.updates).toEqual([]);
  });

  it('lets an independent approver approve: the approval at the forecast cost, its run at the scheduled time, audited', async () => {
    const campaign = pendingCampaign();
    const { service, writes } = workflowFor(campaign);

    await expect(service.approve(approver, campaign.id, { version: campaign.version })).resolves.toEqual({
      id: campaign.id,
      status: 'approved',
      forecast: expect.objectContaining({ id: 'forecast-1', verdict: 'ok', recipients: 120, paidMessages: 0 }),
    });
    expect(writes.updates).toEqual([
      expect.objectContaining({
        status: 'approved',
        approvedById: approver.id,
        approvedAt: NOW,
        approvedVersion: campaign.version + 1,
        approvedForecastId: 'forecast-1',
        approvedRecipients: 120,
        approvedCost: '0.00',
      }),
    ]);
    expect(writes.forecasts).toEqual(['approval']);
    expect(writes.runs).toEqual([campaign.scheduleAt]);
    expect(writes.audit).toEqual(['campaign.approved']);
  });

  it('checks the version read before the four-eyes rule: a stale approval is a 409', async () => {
    const campaign = pendingCampaign();
    const { service } = workflowFor(campaign);
    const error = await refusal(service.approve(approver, campaign.id, { version: campaign.version - 1 }));
    expect(error.getStatus()).toBe(409);
  });
});

describe('CampaignWorkflowService: who controls a live campaign', () => {
  const other: AuthUser = { id: 'marketer-2', email: 'o@example.com', name: 'Other marketer', role: 'marketer' };

  it("refuses another marketer's pause with 403 and lets its own marketer or an approver pause it", async () => {
    const campaign = pendingCampaign({ status: 'approved' });
    const { service, writes } = workflowFor(campaign);
    const error = await refusal(service.pause(other, campaign.id, { version: campaign.version }));
    expect(error.getStatus()).toBe(403);
    expect(writes.updates).toEqual([]);

    await service.pause(marketer, campaign.id, { version: campaign.version });
    await service.pause(approver, campaign.id, { version: campaign.version });
    expect(writes.updates).toEqual([{ status: 'paused' }, { status: 'paused' }]);
    expect(writes.audit).toEqual(['campaign.paused', 'campaign.paused']);
  });
});
