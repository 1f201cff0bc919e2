import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error.dto';
import { UuidParam } from '../common/uuid-param';
import { CampaignResultsDto, RunResultsDto } from './results.dto';
import { ResultsService } from './results.service';

@ApiErrorResponses()
@ApiTags('results')
@ApiBearerAuth()
@Controller()
export class ResultsController {
  constructor(private readonly results: ResultsService) {}

  @Get('campaigns/:id/results')
  @ApiOperation({
    summary:
      'What the campaign\'s sends did: delivered, unique impressions, clicks and media played ("fewer than 20" kept apart from 0), rates, cost per result, forecast versus actual cost',
  })
  @ApiOkResponse({ type: CampaignResultsDto })
  forCampaign(@UuidParam('id') id: string): Promise<CampaignResultsDto> {
    return this.results.forCampaign(id);
  }

  @Post('campaigns/:id/results/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: "Read LINE's statistics now, within the channel's 60 requests an hour" })
  @ApiOkResponse({ type: CampaignResultsDto })
  @ApiTooManyRequestsResponse({
    description: "The channel's hourly budget for LINE's statistics is spent; see Retry-After",
  })
  refresh(@UuidParam('id') id: string): Promise<CampaignResultsDto> {
    return this.results.refresh(id);
  }

  @Get('runs/:id/results')
  @ApiOperation({ summary: "One run's results" })
  @ApiOkResponse({ type: RunResultsDto })
  forRun(@UuidParam('id') id: string): Promise<RunResultsDto> {
    return this.results.forRun(id);
  }
}
