import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { startLineSimulator } from '@lcm/line-simulator';
import type { AppConfig } from '../config/app-config';
import { LineAccountsService } from '../line-accounts/line-accounts.service';

export interface SandboxHandle {
  url: string;
  accountId: string;
  /** Points the simulator's webhooks at the API once it listens. */
  connectWebhook(apiBaseUrl: string): void;
  close(): Promise<void>;
}

/** The sandbox's LINE channel: fixed id, 1,000 followers, the high plan's 6,000 free messages. */
export const SANDBOX_CHANNEL_ID = '2000000000';
const SANDBOX_FOLLOWERS = 1000;

/**
 * Starts the bundled LINE simulator and registers (or re-points) a sandbox account at it, so the
 * product can be tried without a LINE channel. The simulator keeps its state in memory; the account's
 * token and secret live in the database and re-create the same channel at every start.
 */
export async function startSandbox(app: INestApplication, config: AppConfig): Promise<SandboxHandle> {
  const accounts = app.get(LineAccountsService);
  const existing = await accounts.findByChannelId(SANDBOX_CHANNEL_ID);
  const accessToken = existing?.channelAccessToken ?? `sandbox-${randomBytes(24).toString('base64url')}`;
  const channelSecret = existing?.channelSecret ?? randomBytes(16).toString('hex');
  const simulator = await startLineSimulator({
    port: config.lineSimulatorPort,
    channels: {
      [SANDBOX_CHANNEL_ID]: {
        accessToken,
        channelSecret,
        quota: { type: 'limited', value: 6000 },
        followerCount: SANDBOX_FOLLOWERS,
      },
    },
  });
  let accountId: string;
  if (existing) {
    accountId = existing.id;
    if (existing.apiBaseUrl !== simulator.url) await accounts.repointSandbox(existing.id, simulator.url);
  } else {
    const created = await accounts.create(
      null,
      {
        name: 'Sandbox (LINE simulator)',
        channelId: SANDBOX_CHANNEL_ID,
        channelAccessToken: accessToken,
        channelSecret,
        region: 'TW',
        plan: 'high',
        timezone: 'Asia/Taipei',
        monthlyBudget: '500',
        apiBaseUrl: simulator.url,
      },
      { isSandbox: true },
    );
    accountId = created.id;
  }
  return {
    url: simulator.url,
    accountId,
    connectWebhook: (apiBaseUrl) => {
      const channel = simulator.state.channel(SANDBOX_CHANNEL_ID)!;
      simulator.state.updateChannel(channel, { webhookUrl: `${apiBaseUrl}/api/v1/webhooks/line/${accountId}` });
    },
    close: () => simulator.close(),
  };
}
