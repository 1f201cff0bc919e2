import { Injectable } from '@nestjs/common';
import type { User } from '@lcm/database';
import { ApiError } from '../common/api-error';
import { Page, PageQueryDto, toPage } from '../common/pagination';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import { TokenCrypto } from '../auth/token-crypto';
import { UserCreateDto, UserCreatedResponseDto, UserResponseDto, UserUpdateDto } from './users.dto';
import { UsersRepository } from './users.repository';
import type { Transaction } from '../database/prisma.service';
import { toUserResponse } from './users.mapper';

export const BOOTSTRAP_ADMIN_EMAIL = 'admin@localhost';

@Injectable()
export class UsersService {
  constructor(
    private readonly repository: UsersRepository,
    private readonly crypto: TokenCrypto,
    private readonly audit: AuditService,
  ) {}

  async create(actor: AuthUser, dto: UserCreateDto): Promise<UserCreatedResponseDto> {
    const email = dto.email.toLowerCase();
    if (await this.repository.findByEmail(email))
      throw ApiError.conflict(`a user with email ${email} exists`, [{ field: 'email', problem: 'already taken' }]);
    return this.repository.transaction(async (tx) => {
      const user = await this.repository.create({ ...dto, email }, tx);
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
        tx,
      );
      await this.audit.record(
        {
          actorId: null,
          action: 'user.bootstrapped',
          entityType: 'user',
          entityId: user.id,
          after: toUserResponse(user),
        },
        tx,
      );
      return { created: true, token };
    });
  }

  private async issueToken(userId: string, tx: Transaction): Promise<string> {
    const token = this.crypto.generate();
    await this.repository.replaceTokens(
      userId,
      { tokenHash: this.crypto.hash(token), prefix: this.crypto.prefix(token) },
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
