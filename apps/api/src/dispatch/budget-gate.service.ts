import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Campaign, CampaignRun } from '@lcm/database';
import { MAX_MULTICAST_RECIPIENTS } from '@lcm/domain/line-messages';
import { plural } from '@lcm/domain/text';
import { approvalLapsed, costPastApproval, DeferSuggestion, OverBudgetPolicy } from '@lcm/domain/forecast';
import { AudiencesService } from '../audiences/audiences.service';
import { AuditService } from '../audit/audit.service';
import { BlockReason, LedgerService } from '../billing/ledger.service';
import type { ForecastResponse } from '../billing/forecast-engine.service';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import { CampaignReadsService } from '../campaigns/campaign-reads.service';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import type { Transaction } from '../database/prisma.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { Metrics } from '../metrics/metrics';
import { QuotaRefresher } from '../ports/quota-refresher';
import { AggregationUnitsService, NO_UNIT_NOTE } from '../results/aggregation-units.service';
import { DispatchRepository } from './dispatch.repository';
import { abDecisionNotes } from './ab-test-notes';
import { RunNote, runNote } from './run-note';
import { deferPriorityOf } from '../campaigns/campaign-defer-priority';
import { AbTest, splitTest, variantLetter } from '@lcm/domain/ab-tests';
import { abTestOf, messageObjectsOf, messagesFor, variantsOf } from '../campaigns/campaign-ab-test';
import { campaignFrequencyCap, capWindow, FrequencyCapsService } from '../frequency-caps/frequency-caps.service';

export type GateOutcome = 'sending' | 'blocked' | 'skipped';

/**
 * The check that matters: when a run starts, in one transaction with the campaign and the account's
 * month locked, snapshot the recipients, forecast, and either reserve and split into batches, or
 * block with reasons and send nothing.
 */
@Injectable()
export class BudgetGateService {
  private readonly logger = new Logger(BudgetGateService.name);

  constructor(
    private readonly repository: DispatchRepository,
    private readonly campaigns: CampaignReadsService,
    private readonly runs: CampaignRunsService,
    private readonly audiences: AudiencesService,
    private readonly accounts: LineAccountsService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    private readonly quota: QuotaRefresher,
    private readonly metrics: Metrics,
    private readonly units: AggregationUnitsService,
    private readonly frequencyCaps: FrequencyCapsService,
  ) {}

  async gate(runId: string, campaignId: string): Promise<GateOutcome> {
    const unlocked = await this.campaigns.findById(campaignId);
    if (!unlocked) return 'skipped';
    // Outside the transaction: LINE's figures are refreshed when stale (a stale reading under a cap
    // blocks as quota_unknown), and the audience is compiled (it reads audiences, not the rows decided on).
    const unlockedAccount = await this.accounts.mustFind(unlocked.lineAccountId);
    await this.quota.refreshIfStale(unlockedAccount);
    // LINE's count of the month's aggregation units (other tools use them too), before any lock.
    await this.units.refreshIfStale(unlockedAccount);
    const { predicate } = await this.audiences.recipientPredicate(unlocked.audienceId, this.clock.now());
    try {
      return await this.gateInTransaction(runId, campaignId, predicate);
    } catch (error) {
      if (!(error instanceof AbTestAlreadySplit)) throw error;
      // Rolled back whole: the test, its reservation and its runs are the other gate's.
      this.logger.log({ runId, remainderId: error.remainderId }, 'A/B test already split by another gate; skipped');
      return 'skipped';
    }
  }

  private gateInTransaction(
    runId: string,
    campaignId: string,
    predicate: Awaited<ReturnType<AudiencesService['recipientPredicate']>>['predicate'],
  ): Promise<GateOutcome> {
    return this.repository.transaction(async (tx) => {
      const campaign = await this.campaigns.lockById(campaignId, tx);
      if (!campaign || !(await this.runs.lockDueRun(runId, this.clock.now(), tx))) return 'skipped';
      const run = (await this.runs.findById(runId, tx))!;
      if (campaign.status === 'paused') return 'skipped';
      // A lapsed approval blocks too, but only beside the forecast's own reasons: all are shown at once.
      const approvalInForce = this.runs.mayStart(run, campaign);
      const account = await this.accounts.mustFind(run.lineAccountId, tx);
      await this.ledger.lockCurrentMonth(account, tx);
      // Frequency caps count the deliveries other gates reserved: this lock, and the history written
      // before this transaction commits, make a concurrent gate of the account see this one's.
      await this.frequencyCaps.lockAccount(account.id, tx);
      // A deferred remainder carries its recipients from the first run's snapshot and is never deferred again.
      const remainderOf = run.deferredFromRunId;
      // So does an A/B test's remainder, once its winner is decided.
      const abRemainder = run.trigger === 'ab_remainder';
      const carried = remainderOf !== null || abRemainder;
      // A campaign with variants is an A/B test: its first run's gate splits the snapshot into the variants and the rest.
      const abTest = !carried && variantsOf(campaign) ? abTestOf(campaign) : null;
      const policy: OverBudgetPolicy = carried ? 'block' : (campaign.overBudgetPolicy as OverBudgetPolicy);
      const seed = policy === 'defer' || abTest ? randomBytes(8).toString('hex') : null;
      // A remainder's recipients were held to the cap at the first run's gate; it takes no snapshot of its own.
      const cap = carried ? null : capWindow(campaignFrequencyCap(campaign, account), this.clock.now());
      // The whole A/B test was reserved at its first gate, shared by its runs; its remainder gives back
      // what is left of that (every variant has finished: the decision waits for them) and reserves its own.
      if (abRemainder && run.reservationId) await this.ledger.releaseInTransaction(run.reservationId, tx);
      const snapshotStarted = performance.now();
      const snapshot = carried
        ? { ...(await this.repository.countBatches(run.id, tx)), frequencyCapped: 0 }
        : await this.repository.snapshotBatches(
            run.id,
            account.id,
            predicate,
            campaign.maxRecipients,
            MAX_MULTICAST_RECIPIENTS,
            seed,
            cap,
            deferPriorityOf(campaign),
            tx,
          );
      const recipients = snapshot.recipients;
      const snapshotMs = Math.round(performance.now() - snapshotStarted);
      // The remainder sends the winner; a test is forecast whole at its largest variant.
      const messageObjects = abRemainder ? messagesFor(campaign, run.variant).length : messageObjectsOf(campaign);
      const result = await this.ledger.reserveInTransaction(
        {
          account,
          recipients,
          messageObjects,
          costCap: campaign.costCap?.toString() ?? null,
          policy,
          campaignId: campaign.id,
          runId: run.id,
          label: `run ${run.id}`,
          extraChecks: (forecast) => (approvalInForce ? this.approvalChecks(run, forecast) : [approvalLapsed()]),
        },
        tx,
      );
      if (!result.reservation) {
        // A blocked remainder keeps its carried rows for a retry: they are its recipients.
        if (!carried) await this.repository.dropBatches(run.id, tx);
        // …but a blocked remainder is not waiting to be sent, so its recipients' caps no longer count it.
        if (carried) await this.frequencyCaps.forgetRun(run.id, tx);
        const notes = remainderOf
          ? [remainderNote(remainderOf, true)]
          : abRemainder
            ? [abRemainderNote(run, true), ...abDecisionNotes(run)]
            : [];
        if (abRemainder) await this.runs.update(run.id, { reservationId: null }, tx);
        await this.block(run, campaign, result.forecastId, [...result.blockReasons, ...notes], tx);
        this.metrics.gateBlocked(result.blockReasons.map((reason) => reason.code));
        return 'blocked';
      }
      const remainder = result.deferral ? await this.deferRest(run, recipients, result.deferral, tx) : null;
      let batches =
        result.trimmed || remainder
          ? await this.repository.trimBatches(run.id, result.recipients, MAX_MULTICAST_RECIPIENTS, tx)
          : snapshot.batches;
      // An A/B test: this run keeps variant A's group, the others and the remainder become runs of their own.
      const split = abTest
        ? await this.splitAbTest(run, campaign, abTest, result.recipients, result.reservation.id, result.forecastId, tx)
        : null;
      if (split) batches = split.batches;
      const runRecipients = split ? split.recipients : result.recipients;
      // Every run's deliveries are recorded, capped or not, so a cap set later counts them too.
      const historyStarted = performance.now();
      await this.frequencyCaps.recordRun(run.id, account.id, tx);
      const historyMs = Math.round(performance.now() - historyStarted);
      // Not a block: a note on a run that passed, so it clears nothing.
      const notes: RunNote[] = [];
      if (result.trimmed)
        notes.push(
          runNote(
            'trimmed',
            'note.trimmed',
            { from: recipients, to: result.recipients },
            `Trimmed from ${recipients} to ${result.recipients} recipients to fit the budget (policy trim).`,
          ),
        );
      if (remainder) notes.push(remainder.note);
      if (remainderOf) notes.push(remainderNote(remainderOf, false));
      if (split) notes.push(split.note);
      if (abRemainder) notes.push(abRemainderNote(run, false), ...abDecisionNotes(run));
      // Results are read by unit; with none left this month the run still goes, and says so.
      const aggregationUnit = await this.units.allocate(tx, account, run.id, run.aggregationUnit);
      if (!aggregationUnit) notes.push(NO_UNIT_NOTE);
      await this.runs.update(
        run.id,
        {
          status: 'sending',
          startedAt: this.clock.now(),
          recipients: runRecipients,
          batches,
          frequencyCapped: snapshot.frequencyCapped,
          forecastId: result.forecastId,
          reservationId: result.reservation.id,
          reservedMessages: result.reservation.messages,
          reservedCost: result.reservation.cost,
          blockReasons: notes as object[],
          deferSeed: abTest ? null : seed,
          aggregationUnit,
          ...(abTest ? { variant: 0, abTestRunId: run.id, abSeed: seed } : {}),
        },
        tx,
      );
      await this.runs.onRunStarted(run.id, tx);
      await this.audit.record(
        {
          actorId: null,
          action: 'run.started',
          entityType: 'campaign',
          entityId: campaign.id,
          after: {
            runId: run.id,
            recipients: result.recipients,
            batches,
            snapshotMs,
            historyMs,
            frequencyCap: cap
              ? { ...campaignFrequencyCap(campaign, account), excluded: snapshot.frequencyCapped }
              : null,
            reserved: { messages: result.reservation.messages, cost: result.reservation.cost },
            trimmed: result.trimmed,
            deferred: remainder ? { runId: remainder.run.id, recipients: remainder.run.recipients, seed } : null,
            abTest: split ? { seed, ...split.audit } : null,
            aggregationUnit,
            forecastId: result.forecastId,
          },
        },
        tx,
      );
      this.logger.log({ runId: run.id, recipients: runRecipients, batches }, 'run passed the budget gate');
      this.metrics.gatePassed(result.trimmed);
      return 'sending';
    });
  }

  /**
   * Policy defer: the snapshot rows past the part that goes now become a second run of the same
   * campaign at the next monthly reset, in this transaction (so a crash leaves both or neither).
   */
  private async deferRest(
    run: CampaignRun,
    recipients: number,
    deferral: DeferSuggestion,
    tx: Transaction,
  ): Promise<{ run: CampaignRun; note: RunNote }> {
    const { now, later } = deferral;
    const at = new Date(later.at!);
    const created = await this.runs.createDeferred(run, at, remainderNote(run.id, false), tx);
    const carried = await this.repository.carryOverBatches(
      run.id,
      created.id,
      now.recipients,
      MAX_MULTICAST_RECIPIENTS,
      tx,
    );
    const remainder = await this.runs.update(
      created.id,
      { recipients: carried.recipients, batches: carried.batches },
      tx,
    );
    // Its recipients have that send coming: it counts against their caps from now, at its own time,
    // so another capped campaign gated within the cap's days before the reset leaves them out.
    await this.frequencyCaps.recordRun(remainder.id, run.lineAccountId, tx, at);
    const note = runNote(
      'deferred',
      'note.deferred',
      {
        sent: now.recipients,
        recipients,
        later: later.recipients,
        messages: later.messages,
        runId: remainder.id,
        at: at.toISOString(),
        cost: later.cost,
        verdict: later.verdict,
        saves: deferral.saves,
        // One currency for both figures: the account's (the forecast and the saving are in it).
        currency: deferral.currency,
      },
      `Sent ${now.recipients} of ${recipients} recipients now, free; the other ${later.recipients} (${later.messages} messages) ` +
        `go as run ${remainder.id} at the monthly reset, ${at.toISOString()}, forecast there at ${later.cost} ${later.currency} ` +
        `(${later.verdict}) instead of ${deferral.saves} ${deferral.currency} more now (policy defer).`,
    );
    return { run: remainder, note };
  }

  /**
   * An A/B test's first gate, after the whole test was reserved: the snapshot (in the seed's order)
   * is split by position — variant A's group stays on this run, each other variant's group becomes
   * a run of its own that sends now with its own aggregation unit, and the rest becomes the
   * remainder, scheduled after the wait. All in this transaction: a crash leaves all or none.
   */
  private async splitAbTest(
    run: CampaignRun,
    campaign: Campaign,
    abTest: AbTest,
    recipients: number,
    reservationId: string,
    forecastId: string,
    tx: Transaction,
  ): Promise<{ recipients: number; batches: number; note: RunNote; audit: Record<string, unknown> }> {
    const variants = variantsOf(campaign)!;
    const groups = splitTest(recipients, abTest.testShare, variants.length);
    const now = this.clock.now();
    const account = await this.accounts.mustFind(run.lineAccountId, tx);
    const others: { id: string; variant: number; recipients: number; aggregationUnit: string | null }[] = [];
    for (let variant = 1; variant < variants.length; variant++) {
      const group = groups.variants[variant];
      const created = await this.runs.createAbRun(
        run,
        { trigger: 'ab_variant', variant, startedAt: now },
        { reservationId, forecastId },
        tx,
      );
      const carriedRows = await this.repository.carryOverBatches(
        run.id,
        created.id,
        group.start,
        MAX_MULTICAST_RECIPIENTS,
        tx,
        group.end,
      );
      const aggregationUnit = await this.units.allocate(tx, account, created.id, null);
      await this.runs.update(
        created.id,
        {
          recipients: carriedRows.recipients,
          batches: carriedRows.batches,
          aggregationUnit,
          blockReasons: [
            abVariantNote(run.id, variant, variants[variant].name),
            ...(aggregationUnit ? [] : [NO_UNIT_NOTE]),
          ] as object[],
        },
        tx,
      );
      await this.frequencyCaps.recordRun(created.id, account.id, tx);
      others.push({ id: created.id, variant, recipients: carriedRows.recipients, aggregationUnit });
    }
    const at = new Date(now.getTime() + abTest.waitMinutes * 60_000);
    const { run: rest, created } = await this.runs.createAbRemainder(run, at, { reservationId, forecastId }, tx);
    // Another instance split this test (the unique key let its remainder through first): its gate did this one's work.
    if (!created) throw new AbTestAlreadySplit(run.id, rest.id);
    const restRows = await this.repository.carryOverBatches(
      run.id,
      rest.id,
      groups.remainder.start,
      MAX_MULTICAST_RECIPIENTS,
      tx,
    );
    await this.runs.update(
      rest.id,
      {
        recipients: restRows.recipients,
        batches: restRows.batches,
        blockReasons: [abRemainderWaitNote(run.id, at, abTest)] as object[],
      },
      tx,
    );
    // As a deferred rest: its recipients have the winner coming, so it counts against their caps from
    // now, at its own time, and a capped campaign gated during the wait leaves them out.
    await this.frequencyCaps.recordRun(rest.id, account.id, tx, at);
    const keep = groups.variants[0].end;
    const batches = await this.repository.trimBatches(run.id, keep, MAX_MULTICAST_RECIPIENTS, tx);
    const sizes = [keep, ...others.map((other) => other.recipients)];
    const groupsText = sizes
      .map((size, index) => `${variantLetter(index)} "${variants[index].name}" ${size}`)
      .join(', ');
    const note = runNote(
      'ab_test',
      'note.ab_test.split',
      {
        testShare: abTest.testShare,
        recipients,
        groups: groupsText,
        waitMinutes: abTest.waitMinutes,
        at: at.toISOString(),
        metric: abTest.metric,
        rest: restRows.recipients,
        runId: rest.id,
        undecided: abTest.undecided,
      },
      `A/B test: ${abTest.testShare}% of ${recipients} recipients get a variant (${groupsText}); ` +
        `after ${plural(abTest.waitMinutes, 'minute')}, at ${at.toISOString()}, the winner by ${abTest.metric} goes to the other ` +
        `${restRows.recipients} as run ${rest.id} (undecided: ${abTest.undecided}). This run sends variant A.`,
    );
    return {
      recipients: keep,
      batches,
      note,
      audit: {
        testShare: abTest.testShare,
        variants: [{ runId: run.id, variant: 0, recipients: keep }, ...others],
        remainder: { runId: rest.id, recipients: restRows.recipients, decidesAt: at },
      },
    };
  }

  /** The approver approved a cost; a run that grew past it by more than the tolerance needs a new approval. */
  private approvalChecks(run: CampaignRun, forecast: ForecastResponse): BlockReason[] {
    const reason = costPastApproval({
      cost: forecast.cost.amount,
      currency: forecast.cost.currency,
      approvedCost: run.approvedCost.toString(),
      tolerancePercent: this.config.values.dispatch.costTolerancePercent,
    });
    return reason ? [reason] : [];
  }

  private async block(
    run: CampaignRun,
    campaign: Campaign,
    forecastId: string | null,
    reasons: (BlockReason | RunNote)[],
    tx: Transaction,
  ): Promise<void> {
    await this.runs.update(
      run.id,
      { status: 'blocked', finishedAt: this.clock.now(), forecastId, blockReasons: reasons as object[] },
      tx,
    );
    await this.audit.record(
      {
        actorId: null,
        action: 'run.blocked',
        entityType: 'campaign',
        entityId: campaign.id,
        after: { runId: run.id, blockReasons: reasons, forecastId },
        reason: reasons.map((r) => r.code).join(', '),
      },
      tx,
    );
    await this.runs.onRunFinished(run.id, tx);
    this.logger.warn({ runId: run.id, reasons: reasons.map((r) => r.code) }, 'run blocked at the budget gate');
  }
}

/** Thrown inside the gate's transaction to roll it back when another gate already made the test's remainder. */
class AbTestAlreadySplit extends Error {
  constructor(
    readonly runId: string,
    readonly remainderId: string,
  ) {
    super(`A/B test run ${runId} already has its remainder ${remainderId}`);
  }
}

/** What a variant run of an A/B test says about itself. */
function abVariantNote(testRunId: string, variant: number, name: string): RunNote {
  const letter = variantLetter(variant);
  return runNote(
    'ab_test',
    'note.ab_test.variant',
    { variant: letter, name, runId: testRunId },
    `A/B test: variant ${letter} "${name}", one of the groups of run ${testRunId}'s test.`,
  );
}

/** The remainder while it waits for the test's figures. */
function abRemainderWaitNote(testRunId: string, at: Date, abTest: AbTest): RunNote {
  return runNote(
    'ab_test',
    'note.ab_test.remainder_waiting',
    { runId: testRunId, at: at.toISOString(), metric: abTest.metric, undecided: abTest.undecided },
    `A/B test: the rest of run ${testRunId}'s audience; at ${at.toISOString()} LINE's figures of the variants are read ` +
      `and the winner by ${abTest.metric} is sent here (undecided: ${abTest.undecided}). It passes the budget gate again then, ` +
      `within what the approval left after the variants.`,
  );
}

/** The remainder at its own gate, once decided. */
function abRemainderNote(run: CampaignRun, blocked: boolean): RunNote {
  const winner = run.variant === null ? '?' : variantLetter(run.variant);
  const params = { variant: winner, runId: run.abTestRunId ?? '' };
  return blocked
    ? runNote(
        'ab_test',
        'note.ab_test.remainder_blocked',
        params,
        `A/B test: variant ${winner} was to go to the rest of run ${run.abTestRunId}'s audience, but the budget gate refused it; clear the reasons above, then POST /runs/:id/retry.`,
      )
    : runNote(
        'ab_test',
        'note.ab_test.remainder',
        params,
        `A/B test: variant ${winner} goes to the rest of run ${run.abTestRunId}'s audience (see abTest.decision).`,
      );
}

/** What a deferred remainder says about itself, and what happens when the new month can't take it either. */
function remainderNote(fromRunId: string, blocked: boolean): RunNote {
  return blocked
    ? runNote(
        'deferred',
        'note.deferred.remainder_blocked',
        { runId: fromRunId },
        `The rest of run ${fromRunId}, deferred to this reset (policy defer), does not fit this month either; it is not deferred again: clear the reasons above, then POST /runs/:id/retry.`,
      )
    : runNote(
        'deferred',
        'note.deferred.remainder',
        { runId: fromRunId },
        `The rest of run ${fromRunId}, deferred to the monthly reset (policy defer): its recipients are those that run's snapshot did not send; it passes the budget gate again when it starts.`,
      );
}
