import type { CampaignRun, CampaignRunStatus, CampaignStatus } from '@lcm/database';
import { ApiError } from '../common/api-error';

export const CAMPAIGN_STATUSES: readonly CampaignStatus[] = [
  'draft',
  'pending_approval',
  'approved',
  'sending',
  'paused',
  'completed',
  'cancelled',
  'blocked',
  'failed',
];
export const RUN_STATUSES: readonly CampaignRunStatus[] = [
  'scheduled',
  'sending',
  'completed',
  'partial',
  'blocked',
  'failed',
  'cancelled',
  'paused',
];

/** Statuses in which the campaign's approval is in force and its runs may go through the gate. */
export const LIVE_STATUSES: readonly CampaignStatus[] = ['approved', 'sending', 'blocked', 'failed'];

/**
 * Statuses in which a campaign may still send to its audience without being submitted again: the
 * live ones and paused (it resumes mid-send). While one uses an audience, the audience can't be deleted.
 */
export const AUDIENCE_HOLDING_STATUSES: readonly CampaignStatus[] = [...LIVE_STATUSES, 'paused'];

export type CampaignAction =
  'edit' | 'submit' | 'withdraw' | 'approve' | 'reject' | 'cancel' | 'pause' | 'resume' | 'send_now';

/**
 * Where each action may start, and where it leads. `sending`, `completed`, `blocked` and `failed`
 * are reached by runs, not by an action (see CampaignRunsService.onRunStarted/onRunFinished).
 */
export const WORKFLOW: Record<CampaignAction, { from: readonly CampaignStatus[]; to: CampaignStatus | null }> = {
  edit: { from: ['draft'], to: null },
  // From blocked too: a run refused as needs_reapproval is cleared by submitting again (the old
  // approval is discarded and a fresh forecast goes to the approver).
  submit: { from: ['draft', 'blocked'], to: 'pending_approval' },
  // Back to draft from anywhere an approval is pending or in force, so the content can change;
  // the approval is discarded. Not while a run is sending: pause or cancel it first.
  withdraw: { from: ['pending_approval', 'approved', 'paused', 'blocked', 'failed'], to: 'draft' },
  approve: { from: ['pending_approval'], to: 'approved' },
  reject: { from: ['pending_approval'], to: 'draft' },
  cancel: {
    from: ['draft', 'pending_approval', 'approved', 'sending', 'paused', 'blocked', 'failed'],
    to: 'cancelled',
  },
  pause: { from: LIVE_STATUSES, to: 'paused' },
  resume: { from: ['paused'], to: 'approved' },
  send_now: { from: LIVE_STATUSES, to: null },
};

const VERBS: Record<CampaignAction, string> = {
  edit: 'edit',
  submit: 'submit',
  withdraw: 'withdraw',
  approve: 'approve',
  reject: 'reject',
  cancel: 'cancel',
  pause: 'pause',
  resume: 'resume',
  send_now: 'send now',
};

const HINTS: Partial<Record<CampaignAction, string>> = {
  edit: 'withdraw it first (POST /campaigns/:id/withdraw), which discards any approval',
};

export function mayDo(action: CampaignAction, status: CampaignStatus): boolean {
  return WORKFLOW[action].from.includes(status);
}

/** 409 naming the current status and where the action is allowed. */
export function wrongStatus(action: CampaignAction, status: CampaignStatus): ApiError {
  const allowed = WORKFLOW[action].from.join(', ');
  const hint = HINTS[action] && status !== 'cancelled' && status !== 'completed' ? `; ${HINTS[action]}` : '';
  return ApiError.conflict(`can't ${VERBS[action]} a campaign that is ${status} (only when ${allowed})${hint}`, [
    { field: 'status', problem: `is ${status}` },
  ]);
}

export function assertMayDo(action: CampaignAction, status: CampaignStatus): void {
  if (!mayDo(action, status)) throw wrongStatus(action, status);
}

/**
 * The campaign's status once a run finished: `sending` while another run sends; `blocked` or
 * `failed` when the run was refused or failed (the last run's outcome, docs/domain.md "The budget gate"), even if a later
 * occurrence waits; after a send, `approved` while a run waits, else `completed`.
 */
export function campaignStatusAfterRun(
  finished: CampaignRunStatus,
  waiting: Pick<CampaignRun, 'status'>[],
  current: CampaignStatus,
): CampaignStatus {
  if (waiting.some((run) => run.status === 'sending')) return 'sending';
  switch (finished) {
    case 'blocked':
    case 'failed':
      return finished;
    case 'completed':
    case 'partial':
      return waiting.length ? 'approved' : 'completed';
    default:
      return current === 'sending' ? 'approved' : current;
  }
}
