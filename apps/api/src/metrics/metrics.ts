import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LineCallRecord, LineOutcomeKind } from '@lcm/line-client';

/** The outcome label of LINE calls, in the words of the dashboards. */
const LINE_OUTCOMES: Record<LineOutcomeKind, string> = {
  accepted: 'accepted',
  duplicate_accepted: 'duplicate',
  rate_limited: 'rate_limited',
  monthly_limit: 'monthly_limit',
  server_error: 'server_error',
  timeout: 'timeout',
  network_error: 'network_error',
  rejected_input: 'bad_request',
  unauthorized: 'unauthorized',
};

/** What a scrape reads from the database at that moment (runs, months, pools), registered by the metrics endpoint. */
export type ScrapeCollector = (gauges: ScrapeGauges) => Promise<void>;

export interface ScrapeGauges {
  runs: Gauge<'status'>;
  monthMessages: Gauge<'account' | 'kind'>;
  monthSpend: Gauge<'account' | 'currency'>;
  monthSpendCap: Gauge<'account' | 'currency'>;
  quotaReadingAge: Gauge<'account'>;
  poolConnections: Gauge<'pool' | 'state'>;
  poolWaiting: Gauge<'pool'>;
}

/**
 * The service's Prometheus metrics, behind a few methods named for what happened: the services
 * call these and never prom-client (the domain calls neither). One registry per application, so
 * tests with several apps in one process don't share counts.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly collectors: ScrapeCollector[] = [];

  private readonly httpDuration = new Histogram({
    name: 'lcm_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status class',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly lineRequests = new Counter({
    name: 'lcm_line_requests_total',
    help: 'Calls to LINE by endpoint and outcome',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly lineDuration = new Histogram({
    name: 'lcm_line_request_duration_seconds',
    help: 'Time to an outcome of calls to LINE, by endpoint and outcome',
    labelNames: ['endpoint', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly gateDecisions = new Counter({
    name: 'lcm_gate_decisions_total',
    help: 'Budget gate decisions: passed, trimmed, or blocked by reason (one per reason)',
    labelNames: ['decision', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly runRecipients = new Counter({
    name: 'lcm_run_recipients_total',
    help: 'Recipients of sent batches, accepted by LINE or failed',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly importRows = new Counter({
    name: 'lcm_import_rows_total',
    help: 'Contact rows imported from CSV: created, updated or rejected',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly gauges: ScrapeGauges = {
    runs: new Gauge({ name: 'lcm_runs', help: 'Campaign runs by status', labelNames: ['status'], registers: [] }),
    monthMessages: new Gauge({
      name: 'lcm_month_messages',
      help: "This month's messages per account: used, reserved, free_remaining",
      labelNames: ['account', 'kind'],
      registers: [],
    }),
    monthSpend: new Gauge({
      name: 'lcm_month_spend',
      help: "This month's spend per account",
      labelNames: ['account', 'currency'],
      registers: [],
    }),
    monthSpendCap: new Gauge({
      name: 'lcm_month_spend_cap',
      help: 'The monthly budget per account',
      labelNames: ['account', 'currency'],
      registers: [],
    }),
    quotaReadingAge: new Gauge({
      name: 'lcm_quota_reading_age_seconds',
      help: "Age of the last reading of LINE's quota and consumption per account",
      labelNames: ['account'],
      registers: [],
    }),
    poolConnections: new Gauge({
      name: 'lcm_db_pool_connections',
      help: 'Database pool connections by pool and state (in_use, idle)',
      labelNames: ['pool', 'state'],
      registers: [],
    }),
    poolWaiting: new Gauge({
      name: 'lcm_db_pool_waiting',
      help: 'Queries waiting for a connection, by pool',
      labelNames: ['pool'],
      registers: [],
    }),
  };

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'lcm_' });
    for (const gauge of Object.values(this.gauges)) this.registry.registerMetric(gauge);
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: `${Math.floor(status / 100)}xx` }, seconds);
  }

  lineCall = (call: LineCallRecord): void => {
    const labels = { endpoint: call.endpoint, outcome: LINE_OUTCOMES[call.outcome] };
    this.lineRequests.inc(labels);
    this.lineDuration.observe(labels, call.durationMs / 1000);
  };

  gatePassed(trimmed: boolean): void {
    this.gateDecisions.inc({ decision: trimmed ? 'trimmed' : 'passed', reason: '' });
  }

  gateBlocked(reasons: readonly string[]): void {
    for (const reason of reasons) this.gateDecisions.inc({ decision: 'blocked', reason });
  }

  recipients(outcome: 'accepted' | 'failed', count: number): void {
    this.runRecipients.inc({ outcome }, count);
  }

  imported(counts: { created: number; updated: number; rejected: number }): void {
    this.importRows.inc({ result: 'created' }, counts.created);
    this.importRows.inc({ result: 'updated' }, counts.updated);
    this.importRows.inc({ result: 'rejected' }, counts.rejected);
  }

  onScrape(collector: ScrapeCollector): void {
    this.collectors.push(collector);
  }

  /** The text format, with the database's figures read now. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    for (const gauge of Object.values(this.gauges)) gauge.reset();
    for (const collect of this.collectors) await collect(this.gauges);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
