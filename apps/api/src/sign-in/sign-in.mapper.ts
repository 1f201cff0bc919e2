import type { AuthUser } from '../auth/auth.decorators';
import type { SessionResponseDto } from './sign-in.dto';

export function toSessionUser(user: AuthUser): SessionResponseDto['user'] {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
