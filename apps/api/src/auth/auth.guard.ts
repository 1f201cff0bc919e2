import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '@lcm/database';
import { ApiError } from '../common/api-error';
import { AuthRepository } from './auth.repository';
import { AuthUser, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { TokenCrypto } from './token-crypto';

/** Bearer-token authentication and role checks for every route not marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly repository: AuthRepository,
    private readonly crypto: TokenCrypto,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new ApiError(HttpStatus.UNAUTHORIZED, 'an Authorization: Bearer <token> header is required');
    const user = await this.repository.findUserByTokenHash(this.crypto.hash(token));
    if (!user)
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'the token is unknown, rotated or belongs to a deactivated user');
    request.user = user;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) {
      throw ApiError.forbidden(`this action needs the role ${roles.join(' or ')}; you are ${user.role}`);
    }
    return true;
  }
}

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
