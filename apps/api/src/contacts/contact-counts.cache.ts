import { Injectable } from '@nestjs/common';
import type { ContactCounts, ContactPredicate } from './contacts.repository';

/** Counts kept (each four numbers under a key of the rule's SQL); past it the least recently used goes. */
export const CONTACT_COUNTS_CACHE_LIMIT = 1_000;

/**
 * An audience's counts over the account's contacts, kept under the account's contact-change counter
 * (contact_changes, bumped inside PostgreSQL by a trigger on every statement that writes the
 * account's contacts) and the compiled rule with its parameters. The month's usage counts every due
 * campaign's audience on each read, and over 100,000 contacts that count was the read's whole time
 * (README, "API latency"). A write to a contact moves the counter in the writing transaction, so a
 * reader that sees the write reads another key; a rule edited, a referenced audience changed or a
 * time window's cutoff moved compiles to other SQL or parameters. Nothing is invalidated, so
 * instances on one database need nothing between them. Only counts that read nothing but the
 * account's contacts are kept (ContactsService decides): not under a frequency cap (deliveries) nor
 * for a rule with a subquery (postback taps).
 */
@Injectable()
export class ContactCountsCache {
  private readonly entries = new Map<string, Promise<ContactCounts>>();

  /** The counts for this key, counting (once, however many ask at the same time) when not known. */
  get(
    lineAccountId: string,
    changeSeq: string,
    predicate: ContactPredicate,
    count: () => Promise<ContactCounts>,
  ): Promise<ContactCounts> {
    const key = `${lineAccountId}|${changeSeq}|${predicate.sql}|${JSON.stringify(predicate.params)}`;
    const known = this.entries.get(key);
    if (known) {
      // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    const counting: Promise<ContactCounts> = count().then(
      (counts) => Object.freeze({ ...counts }),
      (error: unknown) => {
        // A failed count is not kept: the next request counts again.
        if (this.entries.get(key) === counting) this.entries.delete(key);
        throw error;
      },
    );
    if (this.entries.size >= CONTACT_COUNTS_CACHE_LIMIT) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, counting);
    return counting;
  }

  /** Entries held (for tests of the bound). */
  get size(): number {
    return this.entries.size;
  }
}
