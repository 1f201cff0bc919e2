import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { VersionField } from '../common/validation';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth/password-hasher';

export const ROLES = ['admin', 'marketer', 'approver'] as const;
export type RoleName = (typeof ROLES)[number];

/** A new password: at least PASSWORD_MIN_LENGTH characters (the one place that rule is checked). */
export function IsNewPassword(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
      message: `must be from ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`,
    }),
  );
}

export class UserCreateDto {
  @ApiProperty({ example: 'mei@example.com' })
  @IsEmail()
  email: string;

  @ApiProperty({ example: 'Mei Lin' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: RoleName;

  @ApiPropertyOptional({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description: 'To sign in to the console; without it, send the user an invite (POST /users/:id/invites)',
  })
  @IsOptional()
  @IsNewPassword()
  password?: string;
}

export class UserUpdateDto {
  @VersionField({ description: 'The version you read; a stale one gets 409' })
  version: number;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: RoleName;

  @ApiPropertyOptional({ description: 'false deactivates the user; their tokens stop working at once' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class UserListQueryDto extends PageQueryDto {}

export class UserResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: RoleName;
  @ApiProperty() active: boolean;
  @ApiProperty({ description: 'The user has a password and can sign in to the console' }) hasPassword: boolean;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class UserPageResponseDto {
  @ApiProperty({ type: [UserResponseDto] }) items: UserResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'Shown once; only its hash is stored' }) token: string;
}

export class UserCreatedResponseDto extends TokenResponseDto {
  @ApiProperty({ type: UserResponseDto }) user: UserResponseDto;
}

export class PasswordUpdateDto {
  @ApiPropertyOptional({ description: 'Required when the user has a password already' })
  @IsOptional()
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  currentPassword?: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsNewPassword()
  newPassword: string;
}

export class InviteResponseDto {
  @ApiProperty({
    description: 'The one-time link to send the user; opening it in the console lets them set a password',
  })
  url: string;

  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}
