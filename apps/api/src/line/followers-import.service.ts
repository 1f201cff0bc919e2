import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { describeOutcome } from '@lcm/line-client';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { ContactsService } from '../contacts/contacts.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { LineGateway } from './line-gateway';
import { FollowersImportResponseDto } from './line.dto';

const PAGE_SIZE = 1000; // LINE's maximum for GET /v2/bot/followers/ids

/** Pages through LINE's follower ids into contacts (status following). Idempotent: run it again any time. */
@Injectable()
export class FollowersImportService {
  private readonly logger = new Logger(FollowersImportService.name);

  constructor(
    private readonly accounts: LineAccountsService,
    private readonly contacts: ContactsService,
    private readonly gateway: LineGateway,
    private readonly clock: Clock,
  ) {}

  async import(lineAccountId: string): Promise<FollowersImportResponseDto> {
    const account = await this.accounts.mustFind(lineAccountId);
    const client = this.gateway.clientFor(account);
    const started = this.clock.now();
    const totals = { followers: 0, created: 0, updated: 0, unchanged: 0, pages: 0 };
    let start: string | undefined;
    do {
      const page = await client.getFollowerIds({ start, limit: PAGE_SIZE });
      if (page.kind !== 'accepted') {
        throw new ApiError(
          HttpStatus.BAD_GATEWAY,
          `LINE's follower list could not be read after ${totals.followers} followers: ${describeOutcome(page)}`,
          [{ field: 'lineAccountId', problem: `LINE answered ${page.kind}` }],
        );
      }
      const counts = await this.contacts.upsertFollowers(account.id, page.value.userIds, started);
      totals.pages++;
      totals.followers += page.value.userIds.length;
      totals.created += counts.created;
      totals.updated += counts.updated;
      totals.unchanged += page.value.userIds.length - counts.created - counts.updated;
      if (totals.pages % 10 === 0)
        this.logger.log({ lineAccountId, ...totals }, `followers import: ${totals.followers} so far`);
      start = page.value.next ?? undefined;
    } while (start);
    const durationMs = this.clock.now().getTime() - started.getTime();
    this.logger.log({ lineAccountId, ...totals, durationMs }, 'followers import done');
    return { ...totals, durationMs };
  }
}
