import { createHash, randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { startLineSimulator } from '@lcm/line-simulator';
import { AudiencesService } from '../audiences/audiences.service';
import type { AppConfig } from '../config/app-config';
import { ContactsService } from '../contacts/contacts.service';
import { FollowersImportService } from '../line/followers-import.service';
import { QuotaSyncService } from '../line/quota-sync.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { UsersService } from '../users/users.service';

export interface SandboxHandle {
  url: string;
  accountId: string;
  /** The sample audience made on the sandbox's first start (null: it was deleted since). */
  audienceId: string | null;
  /** Points the simulator's webhooks at the API once it listens. */
  connectWebhook(apiBaseUrl: string): void;
  close(): Promise<void>;
}

/** The sandbox's LINE channel: fixed id, 1,000 followers, on the high plan (6,000 free messages). */
export const SANDBOX_CHANNEL_ID = '2000000000';
export const SANDBOX_FOLLOWERS = 1000;
/**
 * Where the sandbox's month starts at LINE, so every outcome can be shown with its 1,000 followers:
 * 5,700 of the 6,000 free messages are used, so a send to the 100 VIPs is free and one to everyone
 * is mostly paid (NT$0.2 each); LINE's monthly limit of 10,000 lets paid messages through.
 */
export const SANDBOX_QUOTA = { limit: 10_000, usedAtStart: 5_700 };
export const SANDBOX_AUDIENCE_NAME = 'VIP followers';

/** The sandbox's follower ids (U + 32 hex digits), the same at every start. */
export function sandboxFollowerIds(): string[] {
  return Array.from(
    { length: SANDBOX_FOLLOWERS },
    (_, index) => `U${createHash('md5').update(`sandbox-follower:${index}`).digest('hex')}`,
  );
}

const CITIES = ['Taipei', 'Taichung', 'Kaohsiung', 'Tainan'];

/** Demo profile of follower `index`: every 10th is a VIP, every 3rd reads the newsletter. */
export function sandboxProfile(index: number) {
  const tags = [...(index % 10 === 0 ? ['vip'] : []), ...(index % 3 === 0 ? ['newsletter'] : [])];
  const signup = new Date(Date.UTC(2025, 0, 1) + (index % 365) * 86_400_000).toISOString().slice(0, 10);
  return {
    displayName: `Sandbox follower ${index + 1}`,
    tags,
    attributes: { city: CITIES[index % CITIES.length], age: 18 + ((index * 7) % 50), signupDate: signup },
  };
}

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
        quota: { type: 'limited', value: SANDBOX_QUOTA.limit },
        consumption: SANDBOX_QUOTA.usedAtStart,
        followers: sandboxFollowerIds(),
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
  // Every start: LINE's followers become contacts (idempotent). The first start also gives them a
  // demo profile and makes the sample audience, which the user may change or delete afterwards.
  await app.get(FollowersImportService).import(accountId);
  await app.get(QuotaSyncService).syncById(accountId); // the month's usage shows LINE's count from the start
  const audienceId = existing ? await findSampleAudience(app, accountId) : await seedDemoData(app, accountId);
  return {
    url: simulator.url,
    accountId,
    audienceId,
    connectWebhook: (apiBaseUrl) => {
      const channel = simulator.state.channel(SANDBOX_CHANNEL_ID)!;
      simulator.state.updateChannel(channel, { webhookUrl: `${apiBaseUrl}/api/v1/webhooks/line/${accountId}` });
    },
    close: () => simulator.close(),
  };
}

async function seedDemoData(app: INestApplication, accountId: string): Promise<string> {
  const contacts = sandboxFollowerIds().map((lineUserId, index) => ({ lineUserId, ...sandboxProfile(index) }));
  await app.get(ContactsService).upsert(accountId, { contacts });
  const [admin] = (await app.get(UsersService).list({ limit: 1 })).items;
  const audience = await app.get(AudiencesService).create(admin, {
    lineAccountId: accountId,
    name: SANDBOX_AUDIENCE_NAME,
    definition: { tag: 'vip' },
  });
  return audience.id;
}

async function findSampleAudience(app: INestApplication, accountId: string): Promise<string | null> {
  const audiences = await app.get(AudiencesService).list({ lineAccountId: accountId, limit: 500 });
  return audiences.items.find((audience) => audience.name === SANDBOX_AUDIENCE_NAME)?.id ?? null;
}
