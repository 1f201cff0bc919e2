import { Injectable, Logger } from '@nestjs/common';
import type { CampaignRun } from '@lcm/database';
import {
  AB_TIE_MARGIN,
  AbDecision,
  decideRemainder,
  pickWinner,
  unreadPick,
  variantLetter,
  VariantFigures,
  WinnerPick,
} from '@lcm/domain/ab-tests';
import { retryDelayMs } from '@lcm/domain/dispatch';
import { Dec, formatAmount } from '@lcm/domain/money';
import { describeOutcome } from '@lcm/line-client';
import { AuditService } from '../audit/audit.service';
import { abTestOf, variantsOf } from '../campaigns/campaign-ab-test';
import { CampaignReadsService } from '../campaigns/campaign-reads.service';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { ResultsService } from '../results/results.service';
import { StatisticsBudgetService } from '../results/statistics-budget.service';
import { FrequencyCapsService } from '../frequency-caps/frequency-caps.service';
import { DispatchRepository } from './dispatch.repository';
import { abLineUnavailableNote, ReadFailure } from './ab-test-notes';
import { runNote } from './run-note';

/** How long one instance holds a remainder's decision while it reads LINE (a dead one's is taken over after). */
const DECISION_LEASE_SECONDS = 60;

/** Thrown inside the claim's transaction to roll it back when the channel's statistics budget is spent. */
class BudgetSpent extends Error {}

export type DecisionOutcome = 'decided' | 'waiting' | 'skipped';

/**
 * An A/B test's winner: once the remainder's wait is over and every variant has finished, LINE's
 * figures for each variant's unit are read (one request each from the channel's 60 an hour, all or
 * none), the winner is picked by the campaign's metric, and the remainder is given it — or the
 * undecided rule decides. The decision is written once, under the remainder's row lock, with its
 * figures in the audit log; the remainder then goes through the budget gate like any due run.
 */
@Injectable()
export class AbTestDeciderService {
  private readonly logger = new Logger(AbTestDeciderService.name);

  constructor(
    private readonly repository: DispatchRepository,
    private readonly runs: CampaignRunsService,
    private readonly campaigns: CampaignReadsService,
    private readonly accounts: LineAccountsService,
    private readonly results: ResultsService,
    private readonly budget: StatisticsBudgetService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly frequencyCaps: FrequencyCapsService,
    private readonly config: AppConfigService,
  ) {}

  /** One pass over the remainders due; true when one was decided (or made to wait). */
  async decideDue(owner: string): Promise<boolean> {
    let worked = false;
    for (const due of await this.runs.abRemaindersDue(this.clock.now(), 10)) {
      worked = (await this.decide(due.id, owner)) !== 'skipped' || worked;
    }
    return worked;
  }

  async decide(remainderId: string, owner: string): Promise<DecisionOutcome> {
    const remainder = await this.runs.findById(remainderId);
    if (!remainder?.abTestRunId) return 'skipped';
    const variantRuns = (await this.runs.findAbTestRuns(remainder.abTestRunId)).filter(
      (run) => run.trigger !== 'ab_remainder' && run.variant !== null,
    );
    variantRuns.sort((a, b) => a.variant! - b.variant!);
    const readable = variantRuns.filter((run) => run.aggregationUnit !== null && run.startedAt !== null);
    const claimed = await this.claim(remainder, owner, readable.length);
    if (!claimed) return 'skipped';
    const account = await this.accounts.mustFind(remainder.lineAccountId);
    const counts = new Map<string, { uniqueClick: number | null; uniqueImpression: number | null }>();
    for (const [index, run] of readable.entries()) {
      const outcome = await this.results.read(
        { id: run.id, campaignId: run.campaignId, aggregationUnit: run.aggregationUnit!, startedAt: run.startedAt! },
        account,
      );
      if (outcome.kind !== 'accepted') {
        // The requests that got nothing (this one, unless LINE counted it with its own 429, and the
        // ones not made) give theirs back: an outage must not spend the channel's 60 an hour.
        const counted = outcome.kind === 'rate_limited' ? index + 1 : index;
        if (claimed.at && readable.length > counted)
          await this.budget.giveBack(account.id, readable.length - counted, claimed.at);
        return this.readFailed(remainder, owner, variantRuns, describeOutcome(outcome));
      }
      counts.set(run.id, outcome.value);
    }
    return this.apply(remainder.id, owner, variantRuns, counts, null);
  }

  /**
   * LINE could not be read: tried again after the dispatch back-off (one rule for every retry of a
   * call to LINE), up to DISPATCH_MAX_ATTEMPTS; then decided without figures, by the undecided rule
   * as any test nobody can tell, with a note saying why. Unbounded, an outage would hold the rest
   * (and its share of the reservation) for as long as it lasts.
   */
  private async readFailed(
    remainder: CampaignRun,
    owner: string,
    variantRuns: CampaignRun[],
    lastError: string,
  ): Promise<DecisionOutcome> {
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.config.values.dispatch;
    const attempts = remainder.abReadFailures + 1;
    if (attempts >= maxAttempts) {
      this.logger.warn(
        { runId: remainder.id, attempts, outcome: lastError },
        "A/B test: LINE's figures could not be read; deciding by the undecided rule without them",
      );
      return this.apply(remainder.id, owner, variantRuns, new Map(), { attempts, lastError });
    }
    const delayMs = retryDelayMs(attempts, { baseMs: retryBaseMs, maxMs: retryMaxMs });
    await this.runs.holdAbDecision(remainder.id, owner, attempts, delayMs);
    this.logger.warn(
      { runId: remainder.id, attempts, retryInMs: delayMs, outcome: lastError },
      "A/B test: LINE's figures could not be read; trying again after a back-off",
    );
    return 'skipped';
  }

  /**
   * The remainder's decision taken for this instance, with the reads it needs from the budget (all or
   * none); `at` is when they were taken (null when none were needed), to give back the ones that fail.
   */
  private async claim(remainder: CampaignRun, owner: string, reads: number): Promise<{ at: Date | null } | null> {
    try {
      return await this.budget.transaction(async (tx) => {
        if (!(await this.runs.claimAbRemainder(remainder.id, owner, DECISION_LEASE_SECONDS, tx))) return null;
        if (reads === 0) return { at: null };
        const taken = await this.budget.take(tx, remainder.lineAccountId, reads, true);
        if (!taken.ok) throw new BudgetSpent();
        return { at: taken.at };
      });
    } catch (error) {
      if (error instanceof BudgetSpent) return null;
      throw error;
    }
  }

  private apply(
    remainderId: string,
    owner: string,
    variantRuns: CampaignRun[],
    counts: Map<string, { uniqueClick: number | null; uniqueImpression: number | null }>,
    unread: ReadFailure | null,
  ): Promise<DecisionOutcome> {
    return this.repository.transaction(async (tx) => {
      const unlocked = (await this.runs.findById(remainderId, tx))!;
      // Lock order: campaign, then the run.
      const campaign = await this.campaigns.lockById(unlocked.campaignId, tx);
      await this.runs.lockRun(remainderId, tx);
      const remainder = (await this.runs.findById(remainderId, tx))!;
      if (
        !campaign ||
        remainder.status !== 'scheduled' ||
        remainder.abDecidedAt !== null ||
        remainder.leaseOwner !== owner
      )
        return 'skipped';
      const abTest = abTestOf(campaign)!;
      const variants = variantsOf(campaign) ?? [];
      const now = this.clock.now();
      const figures: VariantFigures[] = variantRuns.map((run) => {
        const read = counts.get(run.id);
        const count =
          read === undefined ? null : abTest.metric === 'unique_click_rate' ? read.uniqueClick : read.uniqueImpression;
        return { variant: run.variant!, delivered: run.delivered, count };
      });
      const pick = unread ? unreadPick(figures.length) : pickWinner(figures);
      const decision = decideRemainder(pick, abTest.undecided, remainder.abWaits);
      // The remainder may cost what the approval left after the variants.
      const spent = variantRuns.reduce((sum, run) => sum.plus(run.actualCost.toString()), new Dec(0));
      const ceiling = Dec.max(0, new Dec(remainder.approvedCost.toString()).minus(spent));
      const record = decisionRecord(abTest.metric, pick, decision, figures, variantRuns, variants, {
        waits: remainder.abWaits,
        readAt: now,
        ceiling: formatAmount(ceiling),
        recipients: remainder.recipients,
        undecided: abTest.undecided,
        unread,
      });
      // A new decision (after a wait) reads LINE afresh: its failures start again from none.
      const release = { leaseOwner: null, leaseExpiresAt: null, abReadFailures: 0 };
      // Why there were no figures, on the run itself, whatever the rule then does.
      const unreadNotes = unread
        ? [abLineUnavailableNote(record.lineUnavailable!, abTest.undecided, record.outcome)]
        : [];
      if (decision.action === 'send') {
        await this.runs.update(
          remainder.id,
          {
            ...release,
            variant: decision.variant,
            abDecidedAt: now,
            abDecision: record,
            approvedCost: formatAmount(ceiling),
            ...(unread ? { blockReasons: unreadNotes as object[] } : {}),
          },
          tx,
        );
      } else if (decision.action === 'wait') {
        const at = new Date(now.getTime() + abTest.waitMinutes * 60_000);
        await this.runs.update(
          remainder.id,
          {
            ...release,
            abWaits: remainder.abWaits + 1,
            abDecision: record,
            scheduledAt: at,
            ...(unread ? { blockReasons: unreadNotes as object[] } : {}),
          },
          tx,
        );
        // Its recipients' caps count it at its new time (replacing the old).
        await this.frequencyCaps.recordRun(remainder.id, remainder.lineAccountId, tx, at);
      } else {
        await this.repository.releaseUnsentBatches(remainder.id, tx);
        // Nothing comes to its recipients: their caps no longer count it.
        await this.frequencyCaps.forgetRun(remainder.id, tx);
        await this.runs.update(
          remainder.id,
          {
            ...release,
            abDecidedAt: now,
            abDecision: record,
            status: 'completed',
            finishedAt: now,
            blockReasons: [
              runNote(
                'ab_test',
                'note.ab_test.undecided_none',
                { reason: String(record.reason), undecided: abTest.undecided, recipients: remainder.recipients },
                `A/B test: no winner could be told (${record.reason}); the rule "${abTest.undecided}" sends the other ${remainder.recipients} recipients nothing.`,
              ),
              ...unreadNotes,
            ] as object[],
          },
          tx,
        );
        if (remainder.reservationId) await this.runs.releaseShared(remainder.reservationId, remainder.id, tx);
        await this.runs.onRunFinished(remainder.id, tx);
      }
      await this.audit.record(
        {
          actorId: null,
          action: decision.action === 'wait' ? 'campaign.ab_test_waiting' : 'campaign.ab_test_decided',
          entityType: 'campaign',
          entityId: campaign.id,
          after: { runId: remainder.id, testRunId: remainder.abTestRunId, ...record },
          reason: record.summary,
        },
        tx,
      );
      this.logger.log({ runId: remainder.id, decision: record.outcome, winner: record.winner }, 'A/B test decided');
      return decision.action === 'wait' ? 'waiting' : 'decided';
    });
  }
}

/** What the decision rests on, as stored on the remainder and in the audit log. */
function decisionRecord(
  metric: string,
  pick: WinnerPick,
  decision: AbDecision,
  figures: VariantFigures[],
  runs: CampaignRun[],
  variants: { name: string }[],
  context: {
    waits: number;
    readAt: Date;
    ceiling: string;
    recipients: number;
    undecided: string;
    unread: ReadFailure | null;
  },
) {
  const outcome = decision.action === 'send' ? (decision.by === 'winner' ? 'winner' : 'variant_a') : decision.action;
  const winner = decision.action === 'send' ? decision.variant : null;
  const reason = pick.kind === 'undecided' ? pick.reason : null;
  const rows = figures.map((f, index) => ({
    variant: variantLetter(f.variant),
    name: variants[f.variant]?.name ?? null,
    runId: runs[index].id,
    delivered: f.delivered,
    count: f.count,
    belowThreshold: f.count === null && !context.unread,
    rate: pick.rates[index],
  }));
  const shown = rows.map((row) => `${row.variant} ${row.rate ?? 'fewer than 20'}`).join(', ');
  const then = outcome === 'variant_a' ? 'variant A' : outcome === 'wait' ? 'wait once more' : 'send none';
  const summary = context.unread
    ? `LINE's statistics could not be read (${context.unread.attempts} attempts, the last: ${context.unread.lastError}), ` +
      `so no winner could be told: rule ${context.undecided} → ${then}`
    : outcome === 'winner'
      ? `variant ${variantLetter(winner!)} wins by ${metric} (${shown}; lead ${(pick as { lead: string }).lead}, margin ${AB_TIE_MARGIN})`
      : `undecided (${reason}: ${shown}; margin ${AB_TIE_MARGIN}): rule ${context.undecided} → ${then}`;
  return {
    outcome,
    winner: winner === null ? null : variantLetter(winner),
    winnerIndex: winner,
    reason,
    metric,
    margin: AB_TIE_MARGIN,
    figures: rows,
    waits: context.waits,
    readAt: context.readAt.toISOString(),
    remainderRecipients: context.recipients,
    // LINE could not be read (null when it was): the tries and its last answer.
    lineUnavailable: context.unread,
    undecided: context.undecided,
    ceiling: context.ceiling,
    summary,
  };
}
