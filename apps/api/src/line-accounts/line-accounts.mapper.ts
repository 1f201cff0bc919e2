import type { LineAccount } from '@lcm/database';
import type { LineAccountResponseDto } from './line-accounts.dto';

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
    apiBaseUrl: account.apiBaseUrl,
    isSandbox: account.isSandbox,
    version: account.version,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}
