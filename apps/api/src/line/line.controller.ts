import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { Public, Roles } from '../auth/auth.decorators';
import { UuidParam } from '../common/uuid-param';
import { FollowersImportService } from './followers-import.service';
import { FollowersImportResponseDto, QuotaSyncResponseDto, WebhookResponseDto } from './line.dto';
import { QuotaSyncService } from './quota-sync.service';
import { WebhookService } from './webhook.service';

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
  @HttpCode(200)
  @Roles('admin', 'marketer')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Import the account's followers from LINE as following contacts (idempotent)" })
  @ApiOkResponse({ type: FollowersImportResponseDto })
  importFollowers(@UuidParam('id') id: string): Promise<FollowersImportResponseDto> {
    return this.followers.import(id);
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
    summary: "LINE's webhook (authenticated by its signature, not a token): follow / unfollow keep contacts current",
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
