import { Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { AuthUser, CurrentUser, Public, Roles } from '../auth/auth.decorators';
import { UuidParam } from '../common/uuid-param';
import { FollowersImportService } from './followers-import.service';
import { FollowersImportJobResponseDto, QuotaSyncResponseDto, WebhookResponseDto } from './line.dto';
import { QuotaSyncService } from './quota-sync.service';
import { WebhookService } from './webhook.service';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('line')
@Controller()
export class LineController {
  constructor(
    private readonly quotaSync: QuotaSyncService,
    private readonly followers: FollowersImportService,
    private readonly webhooks: WebhookService,
  ) {}

  @Post('line-accounts/:id/quota-sync')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Read LINE's quota and this month's consumption into the ledger now" })
  @ApiOkResponse({ type: QuotaSyncResponseDto })
  syncQuota(@UuidParam('id') id: string): Promise<QuotaSyncResponseDto> {
    return this.quotaSync.syncById(id);
  }

  @Post('line-accounts/:id/followers-import')
  @HttpCode(202)
  @Roles('admin', 'marketer')
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      "Start importing the account's followers from LINE as following contacts, in the background (idempotent); while one runs, answers with it",
  })
  @ApiAcceptedResponse({ type: FollowersImportJobResponseDto })
  importFollowers(@CurrentUser() actor: AuthUser, @UuidParam('id') id: string): Promise<FollowersImportJobResponseDto> {
    return this.followers.start(actor, id);
  }

  @Get('line-accounts/:id/followers-import')
  @ApiBearerAuth()
  @ApiOperation({ summary: "The account's latest followers import job and its progress" })
  @ApiOkResponse({ type: FollowersImportJobResponseDto })
  latestFollowersImport(@UuidParam('id') id: string): Promise<FollowersImportJobResponseDto> {
    return this.followers.latest(id);
  }

  @Get('line-accounts/:id/followers-import/:jobId')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A followers import job and its progress' })
  @ApiOkResponse({ type: FollowersImportJobResponseDto })
  followersImport(
    @UuidParam('id') id: string,
    @UuidParam('jobId') jobId: string,
  ): Promise<FollowersImportJobResponseDto> {
    return this.followers.get(id, jobId);
  }

  @Post('webhooks/line/:accountId')
  @Public()
  @HttpCode(200)
  @ApiHeader({
    name: 'x-line-signature',
    required: true,
    description: 'base64 HMAC-SHA256 of the raw body with the channel secret',
  })
  @ApiOperation({
    summary:
      "LINE's webhook (authenticated by its signature, not a token): follow / unfollow keep contacts current, message / postback their last interaction, a campaign's postback is recorded as a tap",
  })
  @ApiOkResponse({ type: WebhookResponseDto })
  webhook(
    @UuidParam('accountId') accountId: string,
    @Headers('x-line-signature') signature: string | undefined,
    @Req() req: RawBodyRequest<Request>,
  ): Promise<WebhookResponseDto> {
    return this.webhooks.receive(accountId, signature, req.rawBody);
  }
}
