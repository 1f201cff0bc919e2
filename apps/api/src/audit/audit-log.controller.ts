import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { AuditPageResponseDto, AuditQueryDto } from './audit.dto';
import { AuditLogService } from './audit-log.service';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditLogController {
  constructor(private readonly log: AuditLogService) {}

  @Get()
  @Roles('admin', 'approver')
  @ApiOperation({
    summary:
      'The audit log across entities, oldest first, with who did each change: filter by entity, actor, action and time',
  })
  @ApiOkResponse({ type: AuditPageResponseDto })
  list(@Query() query: AuditQueryDto): Promise<AuditPageResponseDto> {
    return this.log.list(query);
  }
}
