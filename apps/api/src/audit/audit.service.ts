import { Injectable } from '@nestjs/common';
import type { Transaction } from '../database/prisma.service';
import type { Keyset, PageQueryDto } from '../common/pagination';
import { AuditEntry, AuditFilter, AuditRecord, AuditRepository } from './audit.repository';

const SECRET_KEYS = /token|secret|password|authorization/i;

/** The audit log: who changed what, when, from what to what. Secrets are never written to it. */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  /** Pass the transaction of the change so the entry commits or rolls back with it. */
  record(entry: AuditEntry, tx?: Transaction): Promise<void> {
    return this.repository.insert(
      { ...entry, before: redactSecrets(entry.before), after: redactSecrets(entry.after) },
      tx,
    );
  }

  search(filter: AuditFilter, page: PageQueryDto): Promise<(AuditRecord & Keyset)[]> {
    return this.repository.search(filter, page);
  }

  /** The current names of the entities entries are about, keyed `type:id`. */
  entityNames(refs: { entityType: string; entityId: string }[]): Promise<Map<string, string>> {
    return this.repository.entityNames(refs);
  }

  latestSince(
    entityType: string,
    entityId: string,
    action: string,
    since: Date,
    tx?: Transaction,
  ): Promise<AuditRecord | null> {
    return this.repository.latestSince(entityType, entityId, action, since, tx);
  }

  listFor(entityType: string, entityId: string): Promise<AuditRecord[]> {
    return this.repository.listFor(entityType, entityId);
  }
}

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    if (typeof (value as { toFixed?: unknown }).toFixed === 'function' && 'd' in value) return String(value); // a Decimal column
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        SECRET_KEYS.test(key) ? '[redacted]' : redactSecrets(inner),
      ]),
    );
  }
  return value;
}
