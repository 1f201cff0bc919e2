/** What starting a run at once came to: gated and sending, blocked by the gate, or left to the scheduler. */
export type RunStartOutcome = 'sending' | 'blocked' | 'scheduled';

/**
 * Takes a due run through the budget gate at once, for send-now. Dispatch provides the
 * implementation (the same gate the scheduler uses); campaigns only know this seam. An instance
 * that doesn't dispatch (DISPATCH_ENABLED=false) leaves the run to the scheduler of one that does.
 */
export abstract class RunStarter {
  abstract startNow(runId: string, campaignId: string): Promise<RunStartOutcome>;
}
