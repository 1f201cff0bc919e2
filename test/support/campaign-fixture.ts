import { bearer, TestApp } from './app';

/** Who writes and who approves, on which LINE account. */
export interface CampaignPeople {
  accountId: string;
  marketerToken: string;
  approverToken: string;
}

/**
 * A campaign on an audience of its own (`definition`), written by the marketer, submitted and
 * approved by the approver: with a schedule, its first run is then due at that time.
 */
export async function approvedScheduledCampaign(
  t: TestApp,
  people: CampaignPeople,
  name: string,
  definition: object,
  schedule: object,
): Promise<string> {
  const audience = await t
    .http()
    .post('/api/v1/audiences')
    .set(bearer(people.marketerToken))
    .send({ lineAccountId: people.accountId, name, definition })
    .expect(201);
  const campaign = await t
    .http()
    .post('/api/v1/campaigns')
    .set(bearer(people.marketerToken))
    .send({
      lineAccountId: people.accountId,
      audienceId: audience.body.id,
      name,
      messages: [{ type: 'text', text: `${name}!` }],
      schedule,
    })
    .expect(201);
  const id = campaign.body.id as string;
  await t.http().post(`/api/v1/campaigns/${id}/submit`).set(bearer(people.marketerToken)).send({}).expect(200);
  await t.http().post(`/api/v1/campaigns/${id}/approve`).set(bearer(people.approverToken)).send({}).expect(200);
  return id;
}
