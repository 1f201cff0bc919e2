import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AuthRepository } from './auth.repository';
import { TokenCrypto } from './token-crypto';

/** The guard on every route (APP_GUARD), and the token hashing users need to issue tokens. */
@Module({
  providers: [AuthRepository, TokenCrypto, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenCrypto],
})
export class AuthModule {}
