import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiErrorResponses } from '../common/api-error.dto';
import { CampaignApprovalsService } from './campaign-approvals.service';
import { ApprovalListQueryDto, ApprovalListResponseDto } from './campaigns.dto';

@ApiErrorResponses()
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('approvals')
export class ApprovalsController {
  constructor(private readonly approvals: CampaignApprovalsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Campaigns pending approval, each with what an approver reviews: the forecast now (stored as a preview, as GET /campaigns/:id/forecast) and at submission, the changes since the last approval, the audience and its size',
  })
  @ApiOkResponse({ type: ApprovalListResponseDto })
  list(@CurrentUser() actor: AuthUser, @Query() query: ApprovalListQueryDto): Promise<ApprovalListResponseDto> {
    return this.approvals.pending(actor, query);
  }
}
