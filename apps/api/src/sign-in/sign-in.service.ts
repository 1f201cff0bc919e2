import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.module';
import type { AuthUser, CurrentSessionInfo } from '../auth/auth.decorators';
import type { ClientInfo } from '../auth/client-info';
import { assertSameOrigin } from '../auth/csrf';
import { PasswordHasher } from '../auth/password-hasher';
import { SessionsService } from '../auth/sessions.service';
import { UsersRepository } from '../users/users.repository';
import { toAuthUser } from '../users/users.mapper';
import { UsersService } from '../users/users.service';
import { InviteAcceptDto, SessionCreateDto, SessionResponseDto } from './sign-in.dto';
import { LoginThrottleRepository } from './login-throttle.repository';

/** A failure counts against its email and address for this long after the last one. */
const THROTTLE_WINDOW_MS = 3_600_000;

/** A new session: the token for the cookie, and the answer's body. */
export interface SignedIn {
  token: string;
  body: SessionResponseDto;
}

/** Signing people in and out of the console. */
@Injectable()
export class SignInService {
  constructor(
    private readonly users: UsersRepository,
    private readonly userService: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottleRepository,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
  ) {}

  /**
   * Email and password to a session. Unknown email, wrong password, no password yet and a
   * deactivated user get the same 401 after the same one scrypt. Failures are counted per email and
   * per client address (in PostgreSQL, for every instance); past the allowance each further attempt
   * waits twice as long as the last (1 s … 15 min) and meanwhile gets 429 with Retry-After.
   */
  async login(dto: SessionCreateDto, client: ClientInfo): Promise<SignedIn> {
    assertSameOrigin(client);
    const { loginFailuresPerEmail, loginFailuresPerAddress } = this.config.values.auth;
    const now = this.clock.now();
    const at = { now, windowStart: new Date(now.getTime() - THROTTLE_WINDOW_MS) };
    await this.throttle.deleteStale(at);
    const email = dto.email.trim().toLowerCase();
    const emailKey = `email:${email}`;
    const addressKey = `ip:${client.address}`;
    const addressBlocked = await this.throttle.blockedUntil(addressKey, now);
    if (addressBlocked) throw tooMany('from this address', addressBlocked, now);
    // Counted before the password is checked, so parallel guesses at one email take turns.
    if (!(await this.throttle.countFailure(emailKey, at, loginFailuresPerEmail, true))) {
      throw tooMany('for this email', (await this.throttle.blockedUntil(emailKey, now)) ?? now, now);
    }
    const user = await this.users.findByEmail(email);
    const valid = await this.hasher.verify(dto.password, user?.active ? user.passwordHash : null);
    if (!user || !valid) {
      await this.throttle.countFailure(addressKey, at, loginFailuresPerAddress, false);
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'wrong email or password');
    }
    await this.throttle.clear(emailKey);
    await this.sessions.deleteExpired();
    return this.startSession(toAuthUser(user));
  }

  /** Ends the browser session the request came with (a Bearer request has none: nothing to end). */
  async logout(session: CurrentSessionInfo | null): Promise<void> {
    if (session) await this.sessions.end(session.id);
  }

  current(user: AuthUser, session: CurrentSessionInfo | null): SessionResponseDto {
    if (!session) throw new ApiError(HttpStatus.UNAUTHORIZED, 'no browser session: Bearer-token requests have none');
    return { user: toSessionUser(user), csrfToken: session.csrfToken };
  }

  /** Sets the password an invite link was for and signs the user in. */
  async acceptInvite(token: string, dto: InviteAcceptDto, client: ClientInfo): Promise<SignedIn> {
    assertSameOrigin(client);
    return this.startSession(await this.userService.acceptInvite(token, dto.password));
  }

  private async startSession(user: AuthUser): Promise<SignedIn> {
    const { token, csrfToken } = await this.sessions.start(user.id);
    return { token, body: { user: toSessionUser(user), csrfToken } };
  }
}

function toSessionUser(user: AuthUser): SessionResponseDto['user'] {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

function tooMany(scope: string, until: Date, now: Date): ApiError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return ApiError.tooManyRequests(`too many failed sign-ins ${scope}; try again in ${seconds} s`, seconds);
}
