import { createHmac } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { retryDelayMs } from '@lcm/domain/dispatch';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { instanceName, WorkerLoops } from '../common/worker-loops';
import { AppConfigService } from '../config/config.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { AlertDeliveriesRepository, AlertDeliveryRow } from './alert-deliveries.repository';

const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;

/** `sha256=` and the hex HMAC-SHA256 of the raw body with the account's secret. */
export function alertSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Delivers raised alerts to each account's webhook, in the background, never inside a request's
 * transaction: a worker claims a due alert (SKIP LOCKED, under a lease), POSTs it signed, and records
 * the outcome with an audit entry. A failed attempt is retried after the dispatch back-off
 * (DISPATCH_RETRY_BASE_MS / _MAX_MS, full jitter) up to DISPATCH_MAX_ATTEMPTS, then the alert fails.
 * Its worker is one of the instance's background loops (WorkerLoops, polling every DISPATCH_POLL_MS)
 * and, like dispatch's, runs only where DISPATCH_ENABLED: an API-only instance sends nothing out,
 * and a dispatching one claims the alerts it raised.
 */
@Injectable()
export class AlertDeliveryRunnerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AlertDeliveryRunnerService.name);
  readonly instanceId = instanceName();
  private stopping = false;
  private readonly loops: WorkerLoops<'alerts'>;

  constructor(
    private readonly deliveries: AlertDeliveriesRepository,
    private readonly accounts: LineAccountsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
  ) {
    this.loops = new WorkerLoops(this.logger, config.values.dispatch.pollMs);
  }

  onApplicationBootstrap(): void {
    if (!this.config.values.dispatch.enabled) return;
    this.loops.start([{ name: 'alert delivery', kind: 'alerts', tick: () => this.deliverNext() }]);
  }

  /** Before the database client closes: the attempt in flight is recorded, then the loop ends. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.loops.stop();
  }

  /** An alert was raised: a dispatching instance delivers it now rather than at the next poll. */
  wake(): void {
    if (this.loops.running) this.loops.wake('alerts');
  }

  /** Delivers every due alert; returns how many attempts were made. */
  async deliverDue(): Promise<number> {
    let attempts = 0;
    while (await this.deliverNext()) attempts++;
    return attempts;
  }

  /** The loop's tick: claims one due alert and attempts it; false when none was due (or the instance stops). */
  private async deliverNext(): Promise<boolean> {
    if (this.stopping) return false;
    const alert = await this.deliveries.claim(this.instanceId, this.clock.now(), LEASE_MS);
    if (!alert) return false;
    await this.attempt(alert);
    return true;
  }

  private async attempt(alert: AlertDeliveryRow): Promise<void> {
    const account = await this.accounts.findById(alert.lineAccountId);
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.config.values.dispatch;
    const error =
      !account?.alertsWebhookUrl || !account.alertsSecret
        ? 'alerts are off for the account'
        : await this.post(account.alertsWebhookUrl, alert.body, account.alertsSecret);
    const attempt = alert.attempts + 1;
    const now = this.clock.now();
    const outcome =
      error === null
        ? { status: 'delivered' as const, at: now }
        : attempt >= maxAttempts || !account?.alertsWebhookUrl
          ? { status: 'failed' as const, error }
          : {
              status: 'pending' as const,
              error,
              nextAttemptAt: new Date(
                now.getTime() + retryDelayMs(attempt, { baseMs: retryBaseMs, maxMs: retryMaxMs }),
              ),
            };
    const log = { alertId: alert.id, lineAccountId: alert.lineAccountId, kind: alert.kind, attempt };
    await this.deliveries.transaction(async (tx) => {
      if (!(await this.deliveries.recordAttempt(alert.id, this.instanceId, outcome, tx))) return;
      const action =
        outcome.status === 'delivered'
          ? 'alert.delivered'
          : outcome.status === 'failed'
            ? 'alert.failed'
            : 'alert.attempt_failed';
      await this.audit.record(
        {
          actorId: null,
          action,
          entityType: 'line_account',
          entityId: alert.lineAccountId,
          after: {
            alertId: alert.id,
            kind: alert.kind,
            threshold: alert.threshold,
            subject: alert.subject,
            month: alert.month,
            attempt,
            error,
            nextAttemptAt: outcome.status === 'pending' ? outcome.nextAttemptAt.toISOString() : null,
          },
        },
        tx,
      );
    });
    if (error === null) this.logger.log(log, 'alert delivered');
    else this.logger.warn({ ...log, error, outcome: outcome.status }, 'alert delivery attempt failed');
  }

  /** POSTs the body signed; null when the receiver answered 2xx, else what went wrong (never the secret). */
  private async post(url: string, body: string, secret: string): Promise<string | null> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature-256': alertSignature(body, secret) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.body?.cancel().catch(() => undefined);
      return response.ok ? null : `the webhook answered ${response.status}`;
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
      return `the webhook ${reason}`;
    }
  }
}
