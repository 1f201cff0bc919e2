import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { safeError } from '../common/safe-error';
import { ContactChangesRepository } from './contact-changes.repository';

const SCHEDULE_NAME = 'contact-changes-compact';
const COMPACT_INTERVAL_MS = 60_000;

/**
 * Folds the contact-change rows of finished transactions every minute, so an account's counter
 * stays a sum over a few rows however often its contacts are written. Every instance runs it; two
 * at once skip each other's rows to fold, and the second waits only for the first's one
 * statement to commit the rows 0 both write (ContactChangesRepository.compact).
 */
@Injectable()
export class ContactChangesCompactor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ContactChangesCompactor.name);
  private running = false;

  constructor(
    private readonly changes: ContactChangesRepository,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      SCHEDULE_NAME,
      setInterval(() => void this.compactQuietly(), COMPACT_INTERVAL_MS),
    );
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', SCHEDULE_NAME)) this.scheduler.deleteInterval(SCHEDULE_NAME);
  }

  private async compactQuietly(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const folded = await this.changes.compact();
      if (folded) this.logger.debug({ folded }, 'contact changes compacted');
    } catch (error) {
      this.logger.warn({ error: safeError(error).message }, 'contact changes not compacted; next try in a minute');
    } finally {
      this.running = false;
    }
  }
}
