import { Injectable } from '@nestjs/common';
import type { LineAccount } from '@lcm/database';
import { quietWindowAt, type QuietHours } from '@lcm/domain/schedules';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, PageQueryDto, toPage } from '../common/pagination';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import type { Transaction } from '../database/prisma.service';
import { RateCardsService } from '../rate-cards/rate-cards.service';
import { DEFAULT_ALERT_THRESHOLDS } from '@lcm/domain/alerts';
import { AlertsDto, LineAccountCreateDto, LineAccountResponseDto, LineAccountUpdateDto } from './line-accounts.dto';
import { LineAccountsRepository, QuietColumns } from './line-accounts.repository';
import type { FrequencyCapDto } from '../frequency-caps/frequency-caps.dto';
import { quietHoursOf, toLineAccountResponse } from './line-accounts.mapper';

@Injectable()
export class LineAccountsService {
  constructor(
    private readonly repository: LineAccountsRepository,
    private readonly audit: AuditService,
    private readonly rateCards: RateCardsService,
    private readonly clock: Clock,
  ) {}

  async create(
    actor: AuthUser | null,
    dto: LineAccountCreateDto,
    options: { isSandbox?: boolean } = {},
  ): Promise<LineAccountResponseDto> {
    const region = dto.region ?? 'TW';
    const currency = await this.currencyOfPlan(region, dto.plan);
    if (await this.repository.findByChannelId(dto.channelId)) {
      throw ApiError.conflict(`channel ${dto.channelId} is already registered`, [
        { field: 'channelId', problem: 'already registered' },
      ]);
    }
    return this.repository.transaction(async (tx) => {
      const account = await this.repository.create(
        {
          name: dto.name,
          channelId: dto.channelId,
          channelAccessToken: dto.channelAccessToken,
          channelSecret: dto.channelSecret,
          region,
          plan: dto.plan,
          currency,
          timezone: dto.timezone ?? 'Asia/Taipei',
          monthlyBudget: dto.monthlyBudget,
          additionalMessageCap: dto.additionalMessageCap ?? null,
          otherPushHeadroom: dto.otherPushHeadroom ?? 0,
          ...frequencyCapColumns(dto.frequencyCap ?? null),
          apiBaseUrl: dto.apiBaseUrl ?? null,
          isSandbox: options.isSandbox ?? false,
          ...this.quietColumns(dto.quietHours ?? null, dto.timezone ?? 'Asia/Taipei'),
          ...alertColumns(dto.alerts ?? null, null),
        },
        tx,
      );
      await this.audit.record(
        {
          actorId: actor?.id ?? null,
          action: 'line_account.created',
          entityType: 'line_account',
          entityId: account.id,
          after: toLineAccountResponse(account),
        },
        tx,
      );
      return toLineAccountResponse(account);
    });
  }

  async list(query: PageQueryDto): Promise<Page<LineAccountResponseDto>> {
    return toPage(await this.repository.list(query), query, toLineAccountResponse);
  }

  async get(id: string): Promise<LineAccountResponseDto> {
    return toLineAccountResponse(await this.mustFind(id));
  }

  /** Plan and budget changes matter for money: every change is audited with before and after. */
  async update(actor: AuthUser, id: string, dto: LineAccountUpdateDto): Promise<LineAccountResponseDto> {
    const { version, quietHours, frequencyCap, alerts, ...rest } = dto;
    const changes = { ...rest, ...(frequencyCap !== undefined ? frequencyCapColumns(frequencyCap) : {}) };
    return this.repository.transaction(async (tx) => {
      const before = await this.mustFind(id, tx);
      const currency = await this.currencyOfPlan(changes.region ?? before.region, changes.plan ?? before.plan, tx);
      // A new rule or zone takes effect at once: the window is computed again now, in this update.
      const quiet =
        quietHours !== undefined || changes.timezone !== undefined
          ? this.quietColumns(
              quietHours === undefined ? quietHoursOf(before) : quietHours,
              changes.timezone ?? before.timezone,
            )
          : {};
      const alertChanges = alerts === undefined ? {} : alertColumns(alerts, before);
      const after = await this.repository.updateAtVersion(
        id,
        version,
        { ...changes, ...quiet, ...alertChanges, currency },
        tx,
      );
      if (!after) throw ApiError.staleVersion('line account', before.version);
      const secretsChanged = ['channelAccessToken', 'channelSecret'].filter((key) => key in changes);
      if (alerts?.secret !== undefined) secretsChanged.push('alerts.secret');
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'line_account.updated',
          entityType: 'line_account',
          entityId: id,
          before: toLineAccountResponse(before),
          after: toLineAccountResponse(after),
          reason: secretsChanged.length ? `secrets replaced: ${secretsChanged.join(', ')}` : null,
        },
        tx,
      );
      return toLineAccountResponse(after);
    });
  }

  /**
   * For the scheduler: computes the quiet window again for every account whose stored one no longer
   * tells `now` (the clock moved past its end, or before it was computed). Returns how many changed.
   */
  async refreshQuietWindows(now: Date): Promise<number> {
    let changed = 0;
    for (const account of await this.repository.staleQuietWindows(now)) {
      const quiet = this.quietColumns(quietHoursOf(account), account.timezone, now);
      if (await this.repository.storeQuietWindow(account, quiet)) changed++;
    }
    return changed;
  }

  /** The quiet-hours columns for a rule: the rule, and the window in force at `now` or next after it. */
  private quietColumns(quietHours: QuietHours | null, timezone: string, now = this.clock.now()): QuietColumns {
    if (!quietHours)
      return {
        quietHoursStart: null,
        quietHoursEnd: null,
        quietCheckedAt: null,
        quietWindowStart: null,
        quietWindowEnd: null,
      };
    const window = quietWindowAt(now, quietHours, timezone);
    return {
      quietHoursStart: quietHours.start,
      quietHoursEnd: quietHours.end,
      quietCheckedAt: now,
      quietWindowStart: window.start,
      quietWindowEnd: window.end,
    };
  }

  findById(id: string): Promise<LineAccount | null> {
    return this.repository.findById(id);
  }

  findByChannelId(channelId: string): Promise<LineAccount | null> {
    return this.repository.findByChannelId(channelId);
  }

  /** Every account, for the scheduled quota sync. */
  listAll(): Promise<LineAccount[]> {
    return this.repository.listAll();
  }

  /** The sandbox's simulator listens on a new port after a restart; the system re-points the account. */
  async repointSandbox(id: string, apiBaseUrl: string): Promise<void> {
    await this.repository.transaction(async (tx) => {
      const before = await this.mustFind(id, tx);
      if (!before.isSandbox) throw new Error(`account ${id} is not the sandbox`);
      const after = await this.repository.updateAtVersion(id, before.version, { apiBaseUrl }, tx);
      await this.audit.record(
        {
          actorId: null,
          action: 'line_account.sandbox_repointed',
          entityType: 'line_account',
          entityId: id,
          before: { apiBaseUrl: before.apiBaseUrl },
          after: { apiBaseUrl: after?.apiBaseUrl },
        },
        tx,
      );
    });
  }

  /** The currency of a region and plan its rate cards know: an admin who loads a region's cards can register accounts there. */
  private async currencyOfPlan(region: string, plan: string, tx?: Transaction): Promise<string> {
    const catalog = await this.rateCards.regionCatalog(region, tx);
    if (!catalog)
      throw ApiError.field(
        'region',
        `no rate cards for region ${region}; one of ${(await this.rateCards.regions(tx)).join(', ')}`,
      );
    if (!catalog.plans.includes(plan))
      throw ApiError.field('plan', `not a plan of region ${region}; one of ${catalog.plans.join(', ')}`);
    return catalog.currency;
  }

  async mustFind(id: string, tx?: Transaction): Promise<LineAccount> {
    const account = await this.repository.findById(id, tx);
    if (!account) throw ApiError.notFound(`line account ${id}`);
    return account;
  }
}

/** The cap as its two columns: both set, or both null. */
function frequencyCapColumns(cap: FrequencyCapDto | null): {
  frequencyCapMessages: number | null;
  frequencyCapDays: number | null;
} {
  return { frequencyCapMessages: cap?.messages ?? null, frequencyCapDays: cap?.days ?? null };
}

/**
 * The alert columns for a setting: off (null), or a URL, thresholds (default 80 and 100) and a
 * secret, which a change may leave out to keep the one set; alerts without any secret are a 400.
 */
function alertColumns(
  alerts: AlertsDto | null,
  before: LineAccount | null,
): { alertsWebhookUrl: string | null; alertsSecret: string | null; alertsThresholds: number[] } {
  if (!alerts) return { alertsWebhookUrl: null, alertsSecret: null, alertsThresholds: [] };
  const secret = alerts.secret ?? before?.alertsSecret ?? null;
  if (!secret) throw ApiError.field('alerts.secret', 'is required to turn alerts on (16 to 200 characters)');
  return {
    alertsWebhookUrl: alerts.webhookUrl,
    alertsSecret: secret,
    alertsThresholds: [...(alerts.thresholds ?? DEFAULT_ALERT_THRESHOLDS)].sort((a, b) => a - b),
  };
}
