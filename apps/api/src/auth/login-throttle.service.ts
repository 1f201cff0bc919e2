import { isIPv6 } from 'node:net';
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import { LoginThrottleRepository } from './login-throttle.repository';

/** A failure counts against its email and address for this long after the last one. */
const THROTTLE_WINDOW_MS = 3_600_000;

/**
 * Password guessing, slowed: failures are counted per email and per client address in PostgreSQL
 * (every instance agrees); past LOGIN_FAILURES_PER_EMAIL / _PER_ADDRESS each further attempt waits
 * twice as long as the last (1 s … 15 min) and meanwhile gets 429 with Retry-After.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    private readonly repository: LoginThrottleRepository,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
  ) {}

  /**
   * Lets a password attempt for this email (and address) go ahead, or throws 429. The email's
   * attempt is counted as a failure now, before the password is checked, so parallel guesses take
   * turns on its row; `succeeded` takes it back.
   */
  async admit(email: string, address: string | null): Promise<void> {
    const at = this.window();
    await this.repository.deleteStale(at);
    if (address !== null) {
      const blocked = await this.repository.blockedUntil(addressKey(address), at.now);
      if (blocked) throw tooMany('from this address', blocked, at.now);
    }
    if (!(await this.repository.countFailure(emailKey(email), at, this.config.values.auth.loginFailuresPerEmail, true)))
      throw tooMany('for this email', (await this.repository.blockedUntil(emailKey(email), at.now)) ?? at.now, at.now);
  }

  /** A wrong password from this address (the email's failure was counted by `admit`). */
  async failed(address: string): Promise<void> {
    await this.repository.countFailure(
      addressKey(address),
      this.window(),
      this.config.values.auth.loginFailuresPerAddress,
      false,
    );
  }

  /** The right password: the email's count starts again. */
  async succeeded(email: string): Promise<void> {
    await this.repository.clear(emailKey(email));
  }

  private window(): { now: Date; windowStart: Date } {
    const now = this.clock.now();
    return { now, windowStart: new Date(now.getTime() - THROTTLE_WINDOW_MS) };
  }
}

const emailKey = (email: string) => `email:${email.toLowerCase()}`;

function tooMany(scope: string, until: Date, now: Date): ApiError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return ApiError.tooManyRequests(`too many failed sign-ins ${scope}; try again in ${seconds} s`, seconds);
}

/**
 * The key failures from one client count under: its IPv4 address, or its IPv6 /64 — one host is
 * handed a whole /64 and could otherwise step to a fresh address for every guess. An IPv4 address
 * written as IPv6 (`::ffff:203.0.113.9`) is the IPv4 address.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return `ip:${mapped[1]}`;
  if (!isIPv6(address)) return `ip:${address}`;
  const [head, tail] = address.split('%')[0].split('::') as [string, string | undefined];
  const groups = (part: string | undefined) =>
    part ? part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])) : [];
  const full =
    tail === undefined
      ? groups(head)
      : [...groups(head), ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)];
  return `ip6:${full
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
