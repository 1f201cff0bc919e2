export type AudienceStatus = 'following' | 'blocked' | 'unknown';

/**
 * Who follows a channel and who blocked it. Followers keep the order in which they (last) followed,
 * which is the order `GET /v2/bot/followers/ids` pages through.
 */
export class FollowerBook {
  private readonly following = new Set<string>();
  private readonly blocking = new Set<string>();
  /** Paging reads an array; rebuilt only after a change, so paging a large audience stays cheap. */
  private snapshot: string[] | null = null;

  status(userId: string): AudienceStatus {
    if (this.following.has(userId)) return 'following';
    if (this.blocking.has(userId)) return 'blocked';
    return 'unknown';
  }

  /** Adds (or unblocks) a follower; returns whether the user had blocked the account. */
  follow(userId: string): { wasBlocked: boolean } {
    const wasBlocked = this.blocking.delete(userId);
    if (!this.following.has(userId)) {
      this.following.add(userId);
      this.snapshot = null;
    }
    return { wasBlocked };
  }

  /** LINE's `unfollow` means the user blocked the account. */
  block(userId: string): void {
    if (this.following.delete(userId)) this.snapshot = null;
    this.blocking.add(userId);
  }

  clear(): void {
    this.following.clear();
    this.blocking.clear();
    this.snapshot = null;
  }

  get followerCount(): number {
    return this.following.size;
  }

  get blockedCount(): number {
    return this.blocking.size;
  }

  followers(): readonly string[] {
    this.snapshot ??= [...this.following];
    return this.snapshot;
  }

  blocked(): string[] {
    return [...this.blocking];
  }

  page(offset: number, limit: number): { userIds: string[]; nextOffset: number | null } {
    const all = this.followers();
    const userIds = all.slice(offset, offset + limit);
    const end = offset + userIds.length;
    return { userIds, nextOffset: end < all.length ? end : null };
  }
}
