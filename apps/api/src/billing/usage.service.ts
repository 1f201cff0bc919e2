import { Injectable } from '@nestjs/common';
import type { LineAccount } from '@lcm/database';
import { monthPlanRecommendation, MonthProjection } from '@lcm/domain/forecast';
import { isMonth, monthBounds } from '@lcm/domain/pricing';
import { Dec, money } from '@lcm/domain/money';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { ScheduledSends } from '../ports/scheduled-sends';
import { UsageResponseDto } from './billing.dto';
import { projectionResponse } from './usage.mapper';
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
    private readonly scheduled: ScheduledSends,
  ) {}

  /** The month's projection (the current month when none is named), for its alerts. */
  async projection(account: LineAccount, month = this.engine.monthOf(account)): Promise<MonthProjection> {
    return (await this.monthFigures(account, month)).computed.projection;
  }

  /** A zero-recipient forecast gives the month's quota and budget figures by the same rules as a send. */
  private async monthFigures(account: LineAccount, month: string) {
    const now = this.clock.now();
    const ledger = await this.ledger.readMonth(account.id, month);
    const { start } = monthBounds(month, account.timezone);
    const computed = await this.engine.compute(
      account,
      ledger,
      { recipients: 0, messageObjects: 1, costCap: null },
      { sendAt: start > now ? start : null, dueSends: await this.scheduled.dueInMonth(account, month) },
    );
    return { ledger, computed };
  }

  async usage(lineAccountId: string, requestedMonth?: string): Promise<UsageResponseDto> {
    const account = await this.accounts.mustFind(lineAccountId);
    const month = requestedMonth ?? this.engine.monthOf(account);
    if (!isMonth(month)) throw ApiError.field('month', 'must be a month from 1970-01 to 9999-12, such as 2026-11');
    const { ledger, computed } = await this.monthFigures(account, month);
    const { response, input, projection } = computed;
    const currency = response.cost.currency;
    const spent = Dec(response.budget.spentThisMonth);
    const reservedCost = Dec(ledger.reservedCost);
    const budget = Dec(account.monthlyBudget.toString());
    const recommended = monthPlanRecommendation(input);
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
      projection: projectionResponse(projection),
      recommendedPlan: recommended
        ? {
            plan: recommended.plan,
            monthlyCost: money(recommended.monthlyCost, recommended.currency),
            projectedMessages: recommended.projectedMessages,
            currentPlanMonthlyCost:
              recommended.currentPlanMonthlyCost === null
                ? null
                : money(recommended.currentPlanMonthlyCost, recommended.currency),
          }
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
