import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../auth/password-hasher';
import { IsNewPassword, ROLES, type RoleName } from '../users/users.dto';

/** Signing in: the body of POST /auth/login. */
export class SessionCreateDto {
  @ApiProperty({ example: 'admin@localhost' })
  @IsString()
  @Length(1, 320)
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password: string;
}

export class InviteAcceptDto {
  @ApiProperty({ description: 'The password to set (at least 12 characters)' })
  @IsNewPassword()
  password: string;
}

export class SessionUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: RoleName;
}

export class SessionResponseDto {
  @ApiProperty({ type: SessionUserDto }) user: SessionUserDto;

  @ApiProperty({ description: 'Send it as X-CSRF-Token on every cookie-authenticated request but GET and HEAD' })
  csrfToken: string;
}
