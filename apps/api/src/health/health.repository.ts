import { Injectable } from '@nestjs/common';
import { readMigrations } from '@lcm/database';
import { PrismaService } from '../database/prisma.service';

/** What readiness asks the database: is it there, and has it every migration this build carries. */
@Injectable()
export class HealthRepository {
  /** Read once: the build's migrations don't change while it runs. */
  private readonly expected = readMigrations().map((migration) => migration.name);

  constructor(private readonly prisma: PrismaService) {}

  /** On the health check's own connection: it answers whether PostgreSQL does, however busy the pools are. */
  ping(): Promise<void> {
    return this.prisma.ping();
  }

  /** The build's migrations the database has not applied (all of them when it has none). */
  async pendingMigrations(): Promise<string[]> {
    const rows = await this.prisma.client.$queryRaw<{ name: string }[]>`
      SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    const applied = new Set(rows.map((row) => row.name));
    return this.expected.filter((name) => !applied.has(name));
  }
}
