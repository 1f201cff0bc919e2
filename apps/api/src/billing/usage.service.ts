import { Injectable } from '@nestjs/common';
import { cheapestPlan, isMonth, monthBounds, projectEndOfMonth } from '@lcm/domain/pricing';
import { Dec, money } from '@lcm/domain/money';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { UsageResponseDto } from './billing.dto';
import { ForecastEngineService } from './forecast-engine.service';
import { LedgerReconciliationService } from './ledger-reconciliation.service';
import { LedgerRepository } from './ledger.repository';

/** Where the month's messages and money went, and where the month is heading. */
@Injectable()
export class UsageService {
  constructor(
    private readonly accounts: LineAccountsService,
    private readonly ledger: LedgerRepository,
    private readonly engine: ForecastEngineService,
    private readonly clock: Clock,
    private readonly reconciliation: LedgerReconciliationService,
  ) {}

  async usage(lineAccountId: string, requestedMonth?: string): Promise<UsageResponseDto> {
    const account = await this.accounts.mustFind(lineAccountId);
    const month = requestedMonth ?? this.engine.monthOf(account);
    if (!isMonth(month)) throw ApiError.field('month', 'must be a month from 1970-01 to 9999-12, such as 2026-11');
    const now = this.clock.now();
    const ledger = await this.ledger.readMonth(account.id, month);
    // A zero-recipient forecast gives the month's quota and budget figures by the same rules as a send.
    const sendAt = monthBounds(month, account.timezone).start > now ? monthBounds(month, account.timezone).start : null;
    const { response, input } = await this.engine.compute(
      account,
      ledger,
      { recipients: 0, messageObjects: 1, costCap: null },
      { sendAt },
    );
    const currency = response.cost.currency;
    const spent = Dec(response.budget.spentThisMonth);
    const reservedCost = Dec(ledger.reservedCost);
    const budget = Dec(account.monthlyBudget.toString());
    const projection = projectEndOfMonth({
      usedSoFar: response.quota.used + response.quota.headroom,
      now,
      month,
      timeZone: account.timezone,
      card: input.rateCard,
    });
    const recommended = input.regionCards?.length
      ? cheapestPlan(input.regionCards, projection.endOfMonthMessages)
      : null;
    const byCampaign = await this.ledger.usageByCampaign(account.id, month);
    const days = await this.reconciliation.dayFigures(account.id, month);
    return {
      month,
      plan: account.plan,
      rateCard: response.rateCard,
      freeQuota: response.quota.free,
      used: response.quota.used,
      reserved: response.quota.reserved,
      headroom: response.quota.headroom,
      remainingFree: response.quota.remainingFree,
      paidMessages: Math.max(ledger.paidMessages, response.quota.used - response.quota.free),
      spend: money(spent, currency),
      reservedCost: money(reservedCost, currency),
      budget: money(budget, currency),
      budgetRemaining: money(Dec.max(0, budget.minus(spent).minus(reservedCost)), currency),
      byCampaign: byCampaign.map((row) => ({ ...row, cost: money(row.cost, currency) })),
      days,
      projection: {
        elapsedFraction: projection.elapsedFraction,
        endOfMonthMessages: projection.endOfMonthMessages,
        endOfMonthSpend: money(projection.endOfMonthSpend, currency),
        exceedsPlanLimit: projection.exceedsPlanLimit,
      },
      recommendedPlan: recommended
        ? { plan: recommended.plan, monthlyCost: money(recommended.monthlyCost, recommended.currency) }
        : null,
      line: {
        quota: ledger.lineQuota,
        consumption: ledger.lineConsumption,
        readAt: ledger.lineReadingAt?.toISOString() ?? null,
        fresh: response.quota.fresh,
        lastError: ledger.lastSyncError,
      },
    };
  }
}
