import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '../common/uuid-param';
import { RunListQueryDto, RunListResponseDto, RunResponseDto } from './campaign-runs.dto';
import { CampaignRunsService } from './campaign-runs.service';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('runs')
@ApiBearerAuth()
@Controller('runs')
export class RunsController {
  constructor(private readonly runs: CampaignRunsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Runs across campaigns, newest first, by account, campaign and status: one request for every run on a screen',
  })
  @ApiOkResponse({ type: RunListResponseDto })
  list(@Query() query: RunListQueryDto): Promise<RunListResponseDto> {
    return this.runs.listAcross(query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One run: approved snapshot, gate forecast, reservation, progress, actual messages and cost',
  })
  @ApiOkResponse({ type: RunResponseDto })
  get(@UuidParam('id') id: string): Promise<RunResponseDto> {
    return this.runs.get(id);
  }
}
