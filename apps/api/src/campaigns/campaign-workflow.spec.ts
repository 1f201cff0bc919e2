import { campaignStatusAfterRun, CAMPAIGN_STATUSES, mayDo, WORKFLOW, wrongStatus } from './campaign-workflow';

describe('the campaign workflow', () => {
  it('edits only drafts and approves only pending campaigns', () => {
    expect(CAMPAIGN_STATUSES.filter((status) => mayDo('edit', status))).toEqual(['draft']);
    expect(CAMPAIGN_STATUSES.filter((status) => mayDo('approve', status))).toEqual(['pending_approval']);
    expect(CAMPAIGN_STATUSES.filter((status) => mayDo('withdraw', status))).toEqual([
      'pending_approval',
      'approved',
      'paused',
      'blocked',
      'failed',
    ]);
  });

  it('never leaves a finished campaign', () => {
    for (const action of Object.keys(WORKFLOW) as (keyof typeof WORKFLOW)[]) {
      expect(mayDo(action, 'completed')).toBe(false);
      expect(mayDo(action, 'cancelled')).toBe(false);
    }
  });

  it('names the current status in the 409', () => {
    const error = wrongStatus('edit', 'approved');
    expect(error.getStatus()).toBe(409);
    expect(error.message).toMatch(/can't edit a campaign that is approved .*withdraw it first/);
  });

  it('derives the campaign status from the run that finished and the runs still waiting', () => {
    expect(campaignStatusAfterRun('completed', [], 'sending')).toBe('completed');
    expect(campaignStatusAfterRun('partial', [{ status: 'scheduled' }], 'sending')).toBe('approved');
    expect(campaignStatusAfterRun('blocked', [{ status: 'scheduled' }], 'approved')).toBe('blocked');
    expect(campaignStatusAfterRun('failed', [], 'sending')).toBe('failed');
    expect(campaignStatusAfterRun('completed', [{ status: 'sending' }], 'sending')).toBe('sending');
    expect(campaignStatusAfterRun('cancelled', [], 'sending')).toBe('approved');
  });
});
