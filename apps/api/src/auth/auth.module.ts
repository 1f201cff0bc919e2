import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AuthRepository } from './auth.repository';
import { LoginThrottleService } from './login-throttle.service';
import { LoginThrottleRepository } from './login-throttle.repository';
import { PasswordHasher } from './password-hasher';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { TokenCrypto } from './token-crypto';

/**
 * The guard on every route (APP_GUARD: a Bearer token or a browser session), the token hashing users
 * need to issue tokens, password hashing and its throttle, and sessions (which users end on deactivation).
 */
@Module({
  providers: [
    AuthRepository,
    TokenCrypto,
    SessionsRepository,
    SessionsService,
    LoginThrottleRepository,
    LoginThrottleService,
    { provide: PasswordHasher, useFactory: () => new PasswordHasher() },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenCrypto, PasswordHasher, SessionsService, LoginThrottleService],
})
export class AuthModule {}
