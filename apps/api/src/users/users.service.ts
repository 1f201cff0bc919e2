import { HttpStatus, Injectable } from '@nestjs/common';
import type { User } from '@lcm/database';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, PageQueryDto, toPage } from '../common/pagination';
import { AppConfigService } from '../config/config.service';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import { LoginThrottleService } from '../auth/login-throttle.service';
import { PasswordHasher } from '../auth/password-hasher';
import { SessionsService } from '../auth/sessions.service';
import { TokenCrypto } from '../auth/token-crypto';
import {
  InviteResponseDto,
  PasswordUpdateDto,
  RoleName,
  UserCreateDto,
  UserCreatedResponseDto,
  UserResponseDto,
  UserUpdateDto,
} from './users.dto';
import { InvitesRepository } from './invites.repository';
import { UsersRepository } from './users.repository';
import type { Transaction } from '../database/prisma.service';
import { toAuthUser, toUserResponse } from './users.mapper';

export const BOOTSTRAP_ADMIN_EMAIL = 'admin@localhost';

@Injectable()
export class UsersService {
  constructor(
    private readonly repository: UsersRepository,
    private readonly crypto: TokenCrypto,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly invites: InvitesRepository,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    private readonly throttle: LoginThrottleService,
  ) {}

  async create(actor: AuthUser, dto: UserCreateDto): Promise<UserCreatedResponseDto> {
    const { password, ...fields } = dto;
    const email = dto.email.toLowerCase();
    if (await this.repository.findByEmail(email))
      throw ApiError.conflict(`a user with email ${email} exists`, [{ field: 'email', problem: 'already taken' }]);
    const passwordHash = password === undefined ? null : await this.hasher.hash(password);
    return this.repository.transaction(async (tx) => {
      const user = await this.repository.create({ ...fields, email, passwordHash }, tx);
      const token = await this.issueToken(user.id, tx);
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'user.created',
          entityType: 'user',
          entityId: user.id,
          after: toUserResponse(user),
        },
        tx,
      );
      return { user: toUserResponse(user), token };
    });
  }

  async list(query: PageQueryDto): Promise<Page<UserResponseDto>> {
    return toPage(await this.repository.list(query), query, toUserResponse);
  }

  /** Names and emails of the given users (for showing who did something), by id. */
  async namesOf(ids: string[]): Promise<Map<string, { id: string; name: string; email: string }>> {
    if (ids.length === 0) return new Map();
    const users = await this.repository.findNames([...new Set(ids)]);
    return new Map(users.map((user) => [user.id, user]));
  }

  async get(id: string): Promise<UserResponseDto> {
    return toUserResponse(await this.mustFind(id));
  }

  async update(actor: AuthUser, id: string, dto: UserUpdateDto): Promise<UserResponseDto> {
    const { version, ...changes } = dto;
    return this.repository.transaction(async (tx) => {
      const before = await this.mustFind(id, tx);
      const losesAdmin =
        before.role === 'admin' &&
        before.active &&
        (changes.active === false || (changes.role !== undefined && changes.role !== 'admin'));
      if (losesAdmin && (await this.repository.countOtherActiveAdminsForUpdate(id, tx)) === 0) {
        throw ApiError.conflict('at least one active admin must remain');
      }
      const after = await this.repository.updateAtVersion(id, version, changes, tx);
      if (!after) throw ApiError.staleVersion('user', before.version);
      if (!after.active) await this.sessions.endAllFor(id, tx);
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'user.updated',
          entityType: 'user',
          entityId: id,
          before: toUserResponse(before),
          after: toUserResponse(after),
        },
        tx,
      );
      return toUserResponse(after);
    });
  }

  /** Admins rotate anyone's token, users their own; the old tokens stop working at once. */
  async rotateToken(actor: AuthUser, id: string): Promise<{ token: string }> {
    if (actor.role !== 'admin' && actor.id !== id)
      throw ApiError.forbidden("only an admin can rotate another user's token");
    return this.repository.transaction(async (tx) => {
      await this.mustFind(id, tx);
      const token = await this.issueToken(id, tx);
      await this.audit.record(
        { actorId: actor.id, action: 'user.token_rotated', entityType: 'user', entityId: id },
        tx,
      );
      return { token };
    });
  }

  /**
   * Sets the signed-in user's password and ends their other sessions (the one making the change,
   * when it is a browser session, stays). The current password is needed when there is one.
   */
  async changePassword(actor: AuthUser, sessionId: string | null, dto: PasswordUpdateDto): Promise<void> {
    const user = await this.mustFind(actor.id);
    if (user.passwordHash !== null) {
      if (dto.currentPassword === undefined)
        throw ApiError.field('currentPassword', 'is required to change a password');
      // Guesses at the current password (from a session left open) are throttled like sign-ins.
      await this.throttle.admit(user.email, null);
      if (!(await this.hasher.verify(dto.currentPassword, user.passwordHash)))
        throw ApiError.field('currentPassword', 'is not your current password');
      await this.throttle.succeeded(user.email);
    }
    const passwordHash = await this.hasher.hash(dto.newPassword);
    await this.repository.transaction(async (tx) => {
      // Compare-and-set on the hash the current password was checked against: of two changes at
      // once (each proving the same old password), the second must prove the first's new one.
      if (!(await this.repository.replacePasswordHash(user.id, user.passwordHash, passwordHash, tx)))
        throw ApiError.field('currentPassword', 'is not your current password (it was changed meanwhile)');
      await this.sessions.endAllFor(user.id, tx, sessionId ?? undefined);
      await this.audit.record(
        { actorId: actor.id, action: 'user.password_changed', entityType: 'user', entityId: user.id },
        tx,
      );
    });
  }

  /**
   * A one-time link for the user to set their password (and so sign in), valid INVITE_TTL_HOURS;
   * it replaces the user's earlier unused links. `origin`: where the console is, as the admin reached it.
   */
  async createInvite(actor: AuthUser, id: string, origin: string): Promise<InviteResponseDto> {
    const token = this.crypto.random();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.values.auth.inviteTtlHours * 3_600_000);
    await this.repository.transaction(async (tx) => {
      const user = await this.mustFind(id, tx);
      if (!user.active) throw ApiError.conflict(`user ${id} is deactivated; reactivate them before inviting`);
      await this.invites.replace(
        { userId: id, tokenHash: this.crypto.hash(token), createdById: actor.id, createdAt: now, expiresAt },
        tx,
      );
      await this.audit.record(
        { actorId: actor.id, action: 'user.invited', entityType: 'user', entityId: id, after: { expiresAt } },
        tx,
      );
    });
    return { url: `${origin}/invite/${token}`, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Uses an invite: sets the user's password and ends any sessions they had. The link works once;
   * a used, expired or unknown one is refused saying which.
   */
  async acceptInvite(
    token: string,
    password: string,
  ): Promise<{ user: AuthUser; session: { token: string; csrfToken: string } }> {
    const passwordHash = await this.hasher.hash(password);
    return this.repository.transaction(async (tx) => {
      const use = await this.invites.use(this.crypto.hash(token), this.clock.now(), tx);
      if ('refused' in use) {
        if (use.refused === 'unknown') throw ApiError.notFound('invite link');
        throw new ApiError(
          HttpStatus.GONE,
          `this invite link ${use.refused === 'used' ? 'was used already' : 'has expired'}; ask an admin for a new one`,
        );
      }
      const user = await this.mustFind(use.userId, tx);
      if (!user.active) throw ApiError.forbidden('this user is deactivated');
      await this.repository.setPasswordHash(user.id, passwordHash, tx);
      await this.sessions.endAllFor(user.id, tx);
      await this.audit.record(
        { actorId: user.id, action: 'user.invite_accepted', entityType: 'user', entityId: user.id },
        tx,
      );
      // The new session is started with the password it belongs to, after the old sessions end: a
      // change committed after this one ends it too.
      return { user: toAuthUser(user), session: await this.sessions.start(user.id, tx) };
    });
  }

  /**
   * The sandbox's ready logins: each user is created with its password when missing, or given it
   * when it has none yet; a password set since is left alone.
   */
  async ensureLogins(logins: { email: string; name: string; role: RoleName; password: string }[]): Promise<void> {
    for (const login of logins) {
      const existing = await this.repository.findByEmail(login.email);
      if (existing?.passwordHash) continue;
      const passwordHash = await this.hasher.hash(login.password);
      await this.repository.transaction(async (tx) => {
        if (existing) return this.repository.setPasswordHash(existing.id, passwordHash, tx);
        const user = await this.repository.create(
          { email: login.email, name: login.name, role: login.role, passwordHash },
          tx,
        );
        await this.recordBootstrapped(user, tx);
      });
    }
  }

  /**
   * With no users at all, creates the first admin. Its token is `preferredToken` (ADMIN_TOKEN) when
   * given, else a new random one; returns it so the caller can print it once.
   */
  async bootstrapFirstAdmin(preferredToken: string | null): Promise<{ created: boolean; token: string | null }> {
    if ((await this.repository.count()) > 0) return { created: false, token: null };
    return this.repository.transaction(async (tx) => {
      // Two instances starting together: the lock lets one create the admin.
      await this.repository.lockForBootstrap(tx);
      if ((await this.repository.count(tx)) > 0) return { created: false, token: null };
      const user = await this.repository.create(
        { email: BOOTSTRAP_ADMIN_EMAIL, name: 'Administrator', role: 'admin' },
        tx,
      );
      const token = preferredToken ?? this.crypto.generate();
      await this.repository.replaceTokens(
        user.id,
        { tokenHash: this.crypto.hash(token), prefix: this.crypto.prefix(token) },
        this.clock.now(),
        tx,
      );
      await this.recordBootstrapped(user, tx);
      return { created: true, token };
    });
  }

  /** A user the service created itself (the first admin, the sandbox's logins): audited with no actor. */
  private recordBootstrapped(user: User, tx: Transaction): Promise<void> {
    return this.audit.record(
      {
        actorId: null,
        action: 'user.bootstrapped',
        entityType: 'user',
        entityId: user.id,
        after: toUserResponse(user),
      },
      tx,
    );
  }

  private async issueToken(userId: string, tx: Transaction): Promise<string> {
    const token = this.crypto.generate();
    await this.repository.replaceTokens(
      userId,
      { tokenHash: this.crypto.hash(token), prefix: this.crypto.prefix(token) },
      this.clock.now(),
      tx,
    );
    return token;
  }

  private async mustFind(id: string, tx?: Transaction): Promise<User> {
    const user = await this.repository.findById(id, tx);
    if (!user) throw ApiError.notFound(`user ${id}`);
    return user;
  }
}
