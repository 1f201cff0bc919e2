import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VersionField } from '../common/validation';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '../common/pagination';

export const ROLES = ['admin', 'marketer', 'approver'] as const;
export type RoleName = (typeof ROLES)[number];

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
