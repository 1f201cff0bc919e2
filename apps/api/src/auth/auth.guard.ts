import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '@lcm/database';
import { ApiError } from '../common/api-error';
import { AuthRepository } from './auth.repository';
import { AuthUser, CurrentSessionInfo, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { assertNotForged } from './csrf';
import { sessionTokenOf } from './session-cookie';
import { SessionsService } from './sessions.service';
import { TokenCrypto } from './token-crypto';

type AuthenticatedRequest = Request & { user?: AuthUser; session?: CurrentSessionInfo };

/**
 * Authentication and role checks for every route not marked @Public(): a Bearer token (scripts;
 * when an Authorization header is sent, it alone decides) or the session cookie of a signed-in
 * browser, whose writes must also pass the CSRF checks.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly repository: AuthRepository,
    private readonly crypto: TokenCrypto,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.user =
      request.headers.authorization !== undefined ? await this.bearerUser(request) : await this.sessionUser(request);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(request.user.role)) {
      throw ApiError.forbidden(`this action needs the role ${roles.join(' or ')}; you are ${request.user.role}`);
    }
    return true;
  }

  private async bearerUser(request: AuthenticatedRequest): Promise<AuthUser> {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new ApiError(HttpStatus.UNAUTHORIZED, 'an Authorization: Bearer <token> header is required');
    const user = await this.repository.findUserByTokenHash(this.crypto.hash(token));
    if (!user)
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'the token is unknown, rotated or belongs to a deactivated user');
    return user;
  }

  private async sessionUser(request: AuthenticatedRequest): Promise<AuthUser> {
    const token = sessionTokenOf(request);
    if (!token)
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'sign in (POST /api/v1/auth/login), or send an Authorization: Bearer <token> header',
      );
    const session = await this.sessions.resolve(token);
    if (!session)
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'the session has ended (signed out, idle too long, password changed or user deactivated); sign in again',
      );
    assertNotForged(request, session.csrfToken);
    request.session = { id: session.id, csrfToken: session.csrfToken };
    return session.user;
  }
}

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
