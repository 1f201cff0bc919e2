import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import type { Transaction } from '../database/prisma.service';
import { LiveSession, SessionsRepository } from './sessions.repository';
import { TokenCrypto } from './token-crypto';

/** A session is marked seen at most this often, so a busy console doesn't write on every request. */
const TOUCH_INTERVAL_MS = 15_000;

/** Browser sessions: started at sign-in, ended by sign-out, idleness, age, deactivation or a new password. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly repository: SessionsRepository,
    private readonly crypto: TokenCrypto,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
  ) {}

  /** A new session for the user; the token goes in the cookie and is stored only as a hash. */
  async start(userId: string, tx?: Transaction): Promise<{ token: string; csrfToken: string }> {
    const token = this.crypto.random();
    const csrfToken = this.crypto.random();
    await this.repository.create({ userId, tokenHash: this.crypto.hash(token), csrfToken, now: this.clock.now() }, tx);
    return { token, csrfToken };
  }

  /**
   * A new session for a sign-in that verified `passwordHash`, or null when the user's password
   * changed or they were deactivated since it was read (the check is the insert's, in PostgreSQL).
   */
  async startForCredential(userId: string, passwordHash: string): Promise<{ token: string; csrfToken: string } | null> {
    const token = this.crypto.random();
    const csrfToken = this.crypto.random();
    const started = await this.repository.createForCredential({
      userId,
      passwordHash,
      tokenHash: this.crypto.hash(token),
      csrfToken,
      now: this.clock.now(),
    });
    return started ? { token, csrfToken } : null;
  }

  /** The live session behind a cookie's token, or null; using it keeps it alive. */
  async resolve(token: string): Promise<LiveSession | null> {
    const now = this.clock.now();
    return this.repository.findLiveAndTouch(this.crypto.hash(token), {
      now,
      ...this.limits(now),
      touchBefore: new Date(now.getTime() - TOUCH_INTERVAL_MS),
    });
  }

  end(sessionId: string): Promise<void> {
    return this.repository.delete(sessionId);
  }

  /** Ends the user's sessions (but `exceptId`): in the caller's transaction, with the change that ends them. */
  endAllFor(userId: string, tx: Transaction, exceptId?: string): Promise<void> {
    return this.repository.deleteForUser(userId, tx, exceptId);
  }

  deleteExpired(): Promise<void> {
    const { idleSince, startedSince } = this.limits(this.clock.now());
    return this.repository.deleteExpired(idleSince, startedSince);
  }

  private limits(now: Date): { idleSince: Date; startedSince: Date } {
    const { sessionIdleMinutes, sessionMaxHours } = this.config.values.auth;
    return {
      idleSince: new Date(now.getTime() - sessionIdleMinutes * 60_000),
      startedSince: new Date(now.getTime() - sessionMaxHours * 3_600_000),
    };
  }
}
