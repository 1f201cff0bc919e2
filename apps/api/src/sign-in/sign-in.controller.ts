import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentSession, CurrentSessionInfo, CurrentUser, Public } from '../auth/auth.decorators';
import { Client, ClientInfo } from '../auth/client-info';
import { clearSessionCookie, sendSession } from './sign-in.cookies';
import { InviteAcceptDto, SessionCreateDto, SessionResponseDto } from './sign-in.dto';
import { SignInService } from './sign-in.service';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('auth')
@Controller('auth')
export class SignInController {
  constructor(private readonly signIn: SignInService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password: sets the lcm_session cookie (httpOnly, SameSite=Strict)' })
  @ApiOkResponse({ type: SessionResponseDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (the same answer for an unknown email)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed sign-ins for this email or address; see Retry-After' })
  async login(
    @Body() dto: SessionCreateDto,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponseDto> {
    return sendSession(response, client, await this.signIn.login(dto, client));
  }

  @Get('session')
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'The signed-in browser session: its user and CSRF token (401 without a live session)' })
  @ApiOkResponse({ type: SessionResponseDto })
  session(@CurrentUser() user: AuthUser, @CurrentSession() session: CurrentSessionInfo | null): SessionResponseDto {
    return this.signIn.current(user, session);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Sign out: ends the session on the server and clears the cookie' })
  @ApiNoContentResponse()
  logout(
    @CurrentUser() user: AuthUser,
    @CurrentSession() session: CurrentSessionInfo | null,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    return this.signIn.logout(user, session, client).then(() => clearSessionCookie(response, client));
  }

  @Post('invites/:token/accept')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Use a one-time invite link: sets the password and signs in (sets the cookie)' })
  @ApiOkResponse({ type: SessionResponseDto })
  async acceptInvite(
    @Param('token') token: string,
    @Body() dto: InviteAcceptDto,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponseDto> {
    return sendSession(response, client, await this.signIn.acceptInvite(token, dto, client));
  }
}
