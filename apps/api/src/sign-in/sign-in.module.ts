import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { SignInController } from './sign-in.controller';
import { SignInService } from './sign-in.service';

/** People signing in to the console: sessions by email and password, invite links, throttling. */
@Module({
  imports: [AuditModule, AuthModule, UsersModule],
  controllers: [SignInController],
  providers: [SignInService],
})
export class SignInModule {}
