import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AuthRepository } from './auth.repository';
import { TokenCrypto } from './token-crypto';

@Global()
@Module({
  providers: [AuthRepository, TokenCrypto, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenCrypto],
})
export class AuthModule {}
