import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '../common/uuid-param';
import { ForecastCreateDto, ForecastResponseDto, UsageQueryDto, UsageResponseDto } from './billing.dto';
import { ForecastResponse } from './forecast-engine.service';
import { ForecastsService } from './forecasts.service';
import { UsageService } from './usage.service';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('forecasts & usage')
@ApiBearerAuth()
@Controller()
export class BillingController {
  constructor(
    private readonly forecasts: ForecastsService,
    private readonly usageService: UsageService,
  ) {}

  @Post('forecasts')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Forecast a send of this shape (not saved): cost, free and paid parts, verdict, suggestions',
  })
  @ApiOkResponse({ type: ForecastResponseDto })
  forecast(@Body() dto: ForecastCreateDto): Promise<ForecastResponse> {
    return this.forecasts.preview(dto);
  }

  @Get('line-accounts/:id/usage')
  @ApiOperation({
    summary: "The month's usage, spend, budget, per-campaign breakdown, projection and recommended plan",
  })
  @ApiOkResponse({ type: UsageResponseDto })
  usage(@UuidParam('id') id: string, @Query() query: UsageQueryDto): Promise<UsageResponseDto> {
    return this.usageService.usage(id, query.month);
  }
}
