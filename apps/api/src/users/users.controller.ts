import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiCreatedResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth.decorators';
import { UuidParam } from '../common/uuid-param';
import {
  TokenResponseDto,
  UserCreateDto,
  UserCreatedResponseDto,
  UserListQueryDto,
  UserPageResponseDto,
  UserResponseDto,
  UserUpdateDto,
} from './users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post('users')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user; the answer carries their API token, shown this once' })
  @ApiCreatedResponse({ type: UserCreatedResponseDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: UserCreateDto): Promise<UserCreatedResponseDto> {
    return this.users.create(actor, dto);
  }

  @Get('users')
  @Roles('admin')
  @ApiOperation({ summary: 'List users' })
  @ApiOkResponse({ type: UserPageResponseDto })
  list(@Query() query: UserListQueryDto): Promise<UserPageResponseDto> {
    return this.users.list(query);
  }

  @Patch('users/:id')
  @Roles('admin')
  @ApiOperation({ summary: "Change a user's role, name or active flag (with version)" })
  @ApiOkResponse({ type: UserResponseDto })
  update(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: UserUpdateDto,
  ): Promise<UserResponseDto> {
    return this.users.update(actor, id, dto);
  }

  @Post('users/:id/tokens')
  @ApiOperation({ summary: "Rotate a user's API token (admins: anyone; others: themselves); old tokens stop working" })
  @ApiCreatedResponse({ type: TokenResponseDto })
  rotate(@CurrentUser() actor: AuthUser, @UuidParam('id') id: string): Promise<TokenResponseDto> {
    return this.users.rotateToken(actor, id);
  }

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentUser() actor: AuthUser): Promise<UserResponseDto> {
    return this.users.get(actor.id);
  }
}
