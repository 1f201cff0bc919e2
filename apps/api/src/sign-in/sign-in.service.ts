import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { AuditService } from '../audit/audit.service';
import type { AuthUser, CurrentSessionInfo } from '../auth/auth.decorators';
import type { ClientInfo } from '../auth/client-info';
import { assertSameOrigin } from '../auth/csrf';
import { LoginThrottleService } from '../auth/login-throttle.service';
import { PasswordHasher } from '../auth/password-hasher';
import { SessionsService } from '../auth/sessions.service';
import { UsersRepository } from '../users/users.repository';
import { toAuthUser } from '../users/users.mapper';
import { UsersService } from '../users/users.service';
import { InviteAcceptDto, SessionCreateDto, SessionResponseDto } from './sign-in.dto';
import { toSessionUser } from './sign-in.mapper';

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
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Email and password to a session. Unknown email, wrong password, no password yet and a
   * deactivated user get the same 401 after the same one scrypt; failures are throttled per email
   * and per client address (LoginThrottleService).
   */
  async login(dto: SessionCreateDto, client: ClientInfo): Promise<SignedIn> {
    assertSameOrigin(client);
    const email = dto.email.trim().toLowerCase();
    await this.throttle.admit(email, client.address);
    const user = await this.users.findByEmail(email);
    const valid = await this.hasher.verify(dto.password, user?.active ? user.passwordHash : null);
    if (!user || !valid) {
      await this.throttle.failed(client.address);
      // A failure against a real user is theirs to see in the log; an unknown email has no entity
      // to file it under (the throttle still counts it per address).
      if (user) await this.recordSignIn('user.sign_in_failed', null, user.id, client);
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'wrong email or password');
    }
    // The password was checked against the hash read above, a scrypt (about 0.1 s) ago: a password
    // change or a deactivation in that time must not be outlived by a session of the old password.
    const started = await this.sessions.startForCredential(user.id, user.passwordHash!);
    if (!started) throw new ApiError(HttpStatus.UNAUTHORIZED, 'wrong email or password');
    await this.throttle.succeeded(email);
    await this.sessions.deleteExpired();
    await this.recordSignIn('user.signed_in', user.id, user.id, client);
    return { token: started.token, body: { user: toSessionUser(toAuthUser(user)), csrfToken: started.csrfToken } };
  }

  /** Ends the browser session the request came with (a Bearer request has none: nothing to end). */
  async logout(user: AuthUser, session: CurrentSessionInfo | null, client: ClientInfo): Promise<void> {
    if (!session) return;
    await this.sessions.end(session.id);
    await this.recordSignIn('user.signed_out', user.id, user.id, client);
  }

  private recordSignIn(action: string, actorId: string | null, userId: string, client: ClientInfo): Promise<void> {
    return this.audit.record({
      actorId,
      action,
      entityType: 'user',
      entityId: userId,
      after: { address: client.address },
    });
  }

  current(user: AuthUser, session: CurrentSessionInfo | null): SessionResponseDto {
    if (!session) throw new ApiError(HttpStatus.UNAUTHORIZED, 'no browser session: Bearer-token requests have none');
    return { user: toSessionUser(user), csrfToken: session.csrfToken };
  }

  /** Sets the password an invite link was for and signs the user in. */
  async acceptInvite(token: string, dto: InviteAcceptDto, client: ClientInfo): Promise<SignedIn> {
    assertSameOrigin(client);
    const { user, session } = await this.userService.acceptInvite(token, dto.password);
    return { token: session.token, body: { user: toSessionUser(user), csrfToken: session.csrfToken } };
  }
}
