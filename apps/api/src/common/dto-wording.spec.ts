import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { CampaignScheduleDto } from '../campaigns/campaigns.dto';
import { ContactListQueryDto } from '../contacts/contacts.dto';
import { ApiError } from './api-error';
import { ApiValidationPipe } from './validation';

async function problems(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
  try {
    await new ApiValidationPipe().transform(value, metadata);
    return [];
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return error.details;
  }
}

const schedule = (value: object) => problems(value, { type: 'body', metatype: CampaignScheduleDto });
const contacts = (value: object) => problems(value, { type: 'query', metatype: ContactListQueryDto });

describe('the wording of real DTOs', () => {
  it('says a cron that is not text must be text, a cron expression', async () => {
    expect(await schedule({ cron: 5, timezone: 'Asia/Taipei', until: '2027-01-01T00:00:00Z' })).toEqual([
      { field: 'cron', problem: 'must be text: a 5-field cron expression such as 0 10 * * 1' },
    ]);
  });

  it('refuses a time zone spelt in another case, naming the IANA spelling', async () => {
    expect(await schedule({ cron: '0 10 * * 1', timezone: 'asia/taipei', until: '2027-01-01T00:00:00Z' })).toEqual([
      { field: 'timezone', problem: 'must be an IANA time zone spelt as IANA does (case matters): Asia/Taipei' },
    ]);
    expect(await schedule({ cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: '2027-01-01T00:00:00Z' })).toEqual([]);
    expect(await schedule({ cron: '0 10 * * 1', timezone: 'Mars/Olympus', until: '2027-01-01T00:00:00Z' })).toEqual([
      { field: 'timezone', problem: 'must be an IANA time zone such as Asia/Taipei' },
    ]);
  });

  it("says a contacts filter's attribute name rule when it is empty or too long", async () => {
    const rule = 'must be an attribute name of 1 to 64 letters, digits, "_", "." or "-"';
    expect(await contacts({ attribute: '' })).toEqual([{ field: 'attribute', problem: rule }]);
    expect(await contacts({ attribute: 'a'.repeat(300) })).toEqual([{ field: 'attribute', problem: rule }]);
  });

  it('says a query value given twice must be given once', async () => {
    expect(await contacts({ attribute: 'city', value: ['Taipei', 'Tainan'] })).toEqual([
      { field: 'value', problem: 'must be given once' },
    ]);
  });
});
