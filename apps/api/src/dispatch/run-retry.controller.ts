import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth.decorators';
import { RunResponseDto } from '../campaigns/campaign-runs.dto';
import { UuidParam } from '../common/uuid-param';
import { RunRetryService } from './run-retry.service';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('runs')
@ApiBearerAuth()
@Controller('runs')
export class RunRetryController {
  constructor(private readonly retries: RunRetryService) {}

  @Post(':id/retry')
  @HttpCode(200)
  @Roles('approver', 'admin')
  @ApiOperation({
    summary: 'Send a blocked or failed run through the budget gate again (never one that delivered to anyone)',
  })
  @ApiOkResponse({ type: RunResponseDto })
  retry(@CurrentUser() actor: AuthUser, @UuidParam('id') id: string): Promise<RunResponseDto> {
    return this.retries.retry(actor, id);
  }
}
