/**
 * Keeps a walk through LINE's follower list finite. LINE pages it with opaque continuation tokens
 * and nothing else bounds it: a token seen before (a LINE that repeats its cursor) would page for
 * ever, and so would a list longer than any account has. Tokens are remembered for the life of
 * this object (one instance's part of a job); the page limit holds across instances.
 */
export class FollowerPaging {
  private readonly seen = new Set<string>();

  /** `resumedFrom`: the token the walk starts from (null: the first page). */
  constructor(
    private readonly maxPages: number,
    resumedFrom: string | null,
  ) {
    if (!Number.isInteger(maxPages) || maxPages < 1) throw new RangeError('maxPages must be a whole number ≥ 1');
    if (resumedFrom !== null) this.seen.add(resumedFrom);
  }

  /**
   * After a page answered `next`, with `pagesRead` pages read in all (this one included): why the
   * walk must stop, or null to read `next` (or to finish, when it is null).
   */
  stopReason(pagesRead: number, next: string | null): string | null {
    if (next === null) return null;
    if (this.seen.has(next))
      return `LINE repeated a continuation token after page ${pagesRead}: its follower list would never end`;
    if (pagesRead >= this.maxPages)
      return `LINE's follower list went on past ${this.maxPages} pages (FOLLOWERS_IMPORT_MAX_PAGES)`;
    this.seen.add(next);
    return null;
  }
}
