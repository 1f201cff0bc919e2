import { Logger } from '@nestjs/common';
import type { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { AppConfigService } from '../config/config.service';
import type { Transaction } from '../database/prisma.service';
import type { LineAccountsService } from '../line-accounts/line-accounts.service';
import type { AlertDeliveriesRepository, AlertDeliveryRow } from './alert-deliveries.repository';
import { AlertDeliveryRunnerService } from './alert-delivery-runner.service';

const HOUR = 3_600_000;
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The runner on fakes: `due` alerts to claim, an account without a webhook (so each attempt fails at once). */
function runner(dispatchEnabled: boolean, due: AlertDeliveryRow[]) {
  const claims: string[] = [];
  const recorded: { id: string; status: string }[] = [];
  const deliveries = {
    claim: async (owner: string) => {
      claims.push(owner);
      return due.shift() ?? null;
    },
    recordAttempt: async (id: string, _owner: string, outcome: { status: string }) => {
      recorded.push({ id, status: outcome.status });
      return true;
    },
    transaction: <T>(work: (tx: Transaction) => Promise<T>) => work({} as Transaction),
  } as unknown as AlertDeliveriesRepository;
  const accounts = { findById: async () => null } as unknown as LineAccountsService;
  const audit = { record: async () => undefined } as unknown as AuditService;
  const config = {
    values: { dispatch: { enabled: dispatchEnabled, pollMs: HOUR, maxAttempts: 3, retryBaseMs: 1, retryMaxMs: 1 } },
  } as unknown as AppConfigService;
  const service = new AlertDeliveryRunnerService(deliveries, accounts, audit, new Clock(), config);
  return { service, claims, recorded };
}

const alert = (id: string): AlertDeliveryRow => ({
  id,
  lineAccountId: '00000000-0000-4000-8000-000000000001',
  month: '2026-12',
  kind: 'free_quota',
  threshold: 80,
  subject: '',
  body: '{}',
  attempts: 0,
});

describe('AlertDeliveryRunnerService', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it('with DISPATCH_ENABLED=false it starts no worker: nothing is claimed, even when woken', async () => {
    const { service, claims } = runner(false, [alert('a')]);
    service.onApplicationBootstrap();
    service.wake();
    await tick();
    await tick();
    expect(claims).toEqual([]);
    await service.onModuleDestroy();
  });

  it('on a dispatching instance it is a WorkerLoops loop: delivers what is due, sleeps, a wake-up ends the sleep, stop waits', async () => {
    const due = [alert('a'), alert('b')];
    const { service, claims, recorded } = runner(true, due);
    service.onApplicationBootstrap();
    for (let i = 0; i < 10 && recorded.length < 2; i++) await tick();
    expect(recorded).toEqual([
      { id: 'a', status: 'failed' },
      { id: 'b', status: 'failed' },
    ]);
    await tick();
    const claimsWhenAsleep = claims.length; // the third claim found nothing: asleep for DISPATCH_POLL_MS (an hour)
    expect(claimsWhenAsleep).toBe(3);
    due.push(alert('c'));
    service.wake();
    for (let i = 0; i < 10 && recorded.length < 3; i++) await tick();
    expect(recorded.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(claims.every((owner) => owner === service.instanceId)).toBe(true);
    await service.onModuleDestroy();
    const claimsAfterStop = claims.length;
    service.wake();
    await tick();
    expect(claims.length).toBe(claimsAfterStop);
  });
});
