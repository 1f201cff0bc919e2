import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentSession, CurrentSessionInfo, CurrentUser, Roles } from '../auth/auth.decorators';
import { Client, ClientInfo } from '../auth/client-info';
import { UuidParam } from '../common/uuid-param';
import {
  InviteResponseDto,
  PasswordUpdateDto,
  TokenResponseDto,
  UserCreateDto,
  UserCreatedResponseDto,
  UserListQueryDto,
  UserPageResponseDto,
  UserResponseDto,
  UserUpdateDto,
} from './users.dto';
import { UsersService } from './users.service';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('users')
@ApiBearerAuth()
@ApiCookieAuth()
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

  @Post('users/:id/invites')
  @Roles('admin')
  @ApiOperation({
    summary: 'A one-time link for the user to set a password and sign in; replaces their earlier unused links',
  })
  @ApiCreatedResponse({ type: InviteResponseDto })
  invite(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Client() client: ClientInfo,
  ): Promise<InviteResponseDto> {
    return this.users.createInvite(actor, id, client.ownOrigin);
  }

  @Put('me/password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your password; your other browser sessions end (API tokens keep working)' })
  @ApiNoContentResponse()
  changePassword(
    @CurrentUser() actor: AuthUser,
    @CurrentSession() session: CurrentSessionInfo | null,
    @Body() dto: PasswordUpdateDto,
  ): Promise<void> {
    return this.users.changePassword(actor, session?.id ?? null, dto);
  }

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentUser() actor: AuthUser): Promise<UserResponseDto> {
    return this.users.get(actor.id);
  }
}
