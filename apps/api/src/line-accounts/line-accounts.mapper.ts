import type { LineAccount } from '@lcm/database';
import type { QuietHours } from '@lcm/domain/schedules';
import { frequencyCapOf } from '@lcm/domain/frequency-caps';
import type { AlertsResponseDto, LineAccountResponseDto } from './line-accounts.dto';

/** Secrets never leave the service: the response has no field for them. */
export function toLineAccountResponse(account: LineAccount): LineAccountResponseDto {
  return {
    id: account.id,
    name: account.name,
    channelId: account.channelId,
    region: account.region,
    plan: account.plan,
    timezone: account.timezone,
    monthlyBudget: { amount: account.monthlyBudget.toFixed(4), currency: account.currency },
    additionalMessageCap: account.additionalMessageCap,
    otherPushHeadroom: account.otherPushHeadroom,
    frequencyCap: frequencyCapOf(account.frequencyCapMessages, account.frequencyCapDays),
    apiBaseUrl: account.apiBaseUrl,
    isSandbox: account.isSandbox,
    quietHours: quietHoursOf(account),
    alerts: alertsOf(account),
    version: account.version,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}

/** The account's quiet hours, or null when they are off. */
export function quietHoursOf(account: LineAccount): QuietHours | null {
  return account.quietHoursStart && account.quietHoursEnd
    ? { start: account.quietHoursStart, end: account.quietHoursEnd }
    : null;
}

/** The account's alert settings without the secret, or null when alerts are off. */
export function alertsOf(account: LineAccount): AlertsResponseDto | null {
  return account.alertsWebhookUrl
    ? { webhookUrl: account.alertsWebhookUrl, thresholds: account.alertsThresholds, hasSecret: !!account.alertsSecret }
    : null;
}
