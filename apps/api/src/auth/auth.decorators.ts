import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@lcm/database';

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** The route needs no token (health, signed webhooks). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call the route; without it, any signed-in user may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
});

/** The browser session a request came with; absent for Bearer-token requests. */
export interface CurrentSessionInfo {
  id: string;
  csrfToken: string;
}

export const CurrentSession = createParamDecorator(
  (_: unknown, context: ExecutionContext): CurrentSessionInfo | null =>
    context.switchToHttp().getRequest<{ session?: CurrentSessionInfo }>().session ?? null,
);
