import { LineSimulatorHandle, startLineSimulator } from '@lcm/line-simulator';
import { AudiencesRepository } from '../apps/api/src/audiences/audiences.repository';
import { CampaignsRepository } from '../apps/api/src/campaigns/campaigns.repository';
import { CampaignRunsRepository } from '../apps/api/src/campaigns/campaign-runs.repository';
import { LedgerRepository } from '../apps/api/src/billing/ledger.repository';
import { ForecastRecordsRepository } from '../apps/api/src/billing/forecast-records.repository';
import { PrismaService } from '../apps/api/src/database/prisma.service';
import { LineAccountsRepository } from '../apps/api/src/line-accounts/line-accounts.repository';
import { RateCardsRepository } from '../apps/api/src/rate-cards/rate-cards.repository';
import { bearer, createTestApp, TestApp } from './support/app';
import { approvedCampaign, sendingScenario, sendNow, SendingScenario, waitForRun } from './support/dispatch-fixture';

/**
 * The hot reads are hand-written SQL on the pg pool (README, "API latency"); each must return
 * exactly what Prisma returns for the same rows: every field, Decimals as Decimals, dates as dates.
 */
describe('hand-written reads agree with Prisma', () => {
  let t: TestApp;
  let sim: LineSimulatorHandle;
  let s: SendingScenario;
  let campaignId: string;
  let runId: string;
  let prisma: PrismaService;

  beforeAll(async () => {
    sim = await startLineSimulator({ port: 0, seed: 'hand-written-reads-e2e' });
    t = await createTestApp({ DISPATCH_ENABLED: 'true', DISPATCH_POLL_MS: '50', LINE_TIMEOUT_MS: '2000' });
    s = await sendingScenario(t, sim, { followers: 40 });
    campaignId = await approvedCampaign(t, s, { name: 'Read me', maxRecipients: 30, costCap: '1234.5' });
    runId = await sendNow(t, s, campaignId);
    await waitForRun(t, s.marketer.token, runId, ['completed']);
    prisma = t.app.get(PrismaService);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('a campaign, its account and its run, one by one and as a page', async () => {
    const db = prisma.client;
    const campaign = await db.campaign.findUniqueOrThrow({ where: { id: campaignId } });
    expect(campaign.costCap).not.toBeNull(); // a Decimal column with a value, and approvedCost too
    await expect(t.app.get(CampaignsRepository).findById(campaignId)).resolves.toEqual(campaign);
    await expect(t.app.get(CampaignsRepository).findById('00000000-0000-4000-8000-000000000000')).resolves.toBeNull();

    const account = await db.lineAccount.findUniqueOrThrow({ where: { id: s.accountId } });
    await expect(t.app.get(LineAccountsRepository).findById(s.accountId)).resolves.toEqual(account);

    const run = await db.campaignRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.startedAt).not.toBeNull();
    await expect(t.app.get(CampaignRunsRepository).findById(runId)).resolves.toEqual(run);

    const page = await db.campaign.findMany({
      where: { lineAccountId: s.accountId, status: campaign.status },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    await expect(
      t.app.get(CampaignsRepository).list({ lineAccountId: s.accountId, status: campaign.status }),
    ).resolves.toEqual(page);
  });

  it("the run's reservation and gate forecast, and the rate cards in force", async () => {
    const db = prisma.client;
    const run = await db.campaignRun.findUniqueOrThrow({ where: { id: runId } });
    const reservation = await db.reservation.findUniqueOrThrow({ where: { id: run.reservationId! } });
    const [read] = await t.app.get(LedgerRepository).findReservations([reservation.id]);
    expect(read).toEqual(
      await t.app
        .get(LedgerRepository)
        .transaction((tx) => t.app.get(LedgerRepository).findReservation(reservation.id, tx)),
    );

    const ledger = t.app.get(LedgerRepository);
    const { month } = reservation;
    await expect(ledger.readMonth(s.accountId, month)).resolves.toEqual(
      await ledger.transaction((tx) => ledger.lockMonth(s.accountId, month, tx)),
    );
    const byDay = await ledger.transaction((tx) => ledger.acceptedByDay(s.accountId, month, tx));
    expect(byDay.length).toBeGreaterThan(0);
    await expect(ledger.acceptedByDay(s.accountId, month)).resolves.toEqual(byDay);

    const forecast = await db.forecastRecord.findUniqueOrThrow({
      where: { id: run.forecastId! },
      select: { id: true, purpose: true, inputs: true, result: true, createdAt: true },
    });
    await expect(t.app.get(ForecastRecordsRepository).findMany([forecast.id])).resolves.toEqual([forecast]);

    const rateCards = t.app.get(RateCardsRepository);
    const today = new Date().toISOString().slice(0, 10);
    const viaPrisma = await rateCards.transaction((tx) => rateCards.effectiveOn('TW', today, tx));
    expect(viaPrisma.length).toBeGreaterThan(0);
    await expect(rateCards.effectiveOn('TW', today)).resolves.toEqual(viaPrisma);
  });

  it('an audience, alone and among others, live or deleted', async () => {
    const db = prisma.client;
    const audiences = t.app.get(AudiencesRepository);
    const other = await t
      .http()
      .post('/api/v1/audiences')
      .set(bearer(s.marketer.token))
      .send({ lineAccountId: s.accountId, name: 'Referencing', definition: { audience: s.audienceId } })
      .expect(201);
    const audience = await db.audience.findUniqueOrThrow({ where: { id: s.audienceId } });
    const referencing = await db.audience.findUniqueOrThrow({ where: { id: other.body.id } });
    expect(referencing.referencedAudienceIds).toEqual([s.audienceId]); // a uuid[] with a value
    await expect(audiences.findLive(s.audienceId)).resolves.toEqual(audience);
    await expect(audiences.findLive(other.body.id)).resolves.toEqual(referencing);
    const both = await audiences.findLiveByIds([s.audienceId, other.body.id]);
    expect(both.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [audience, referencing].sort((a, b) => a.id.localeCompare(b.id)),
    );
    await expect(audiences.findLiveByIds([])).resolves.toEqual([]);

    await t.http().delete(`/api/v1/audiences/${other.body.id}`).set(bearer(s.marketer.token)).expect(204);
    await expect(audiences.findLive(other.body.id)).resolves.toBeNull();
    await expect(audiences.findLiveByIds([other.body.id])).resolves.toEqual([]);
    await expect(audiences.transaction((tx) => audiences.findLive(other.body.id, tx))).resolves.toBeNull();
  });

  it('the routes answer as before (the e2e suites of each route check their bodies)', async () => {
    await t.http().get(`/api/v1/runs/${runId}`).set(bearer(s.marketer.token)).expect(200);
    await t.http().get(`/api/v1/campaigns?lineAccountId=${s.accountId}`).set(bearer(s.marketer.token)).expect(200);
    await t.http().get(`/api/v1/line-accounts/${s.accountId}/usage`).set(bearer(s.marketer.token)).expect(200);
  });
});
