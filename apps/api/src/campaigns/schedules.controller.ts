import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error.dto';
import { CampaignDraftForecastService } from './campaign-draft-forecast.service';
import { SchedulePreviewDto, SchedulePreviewResponseDto } from './campaigns.dto';

@ApiErrorResponses()
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly drafts: CampaignDraftForecastService) {}

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "A recurring schedule's next occurrences (5 unless count) in its zone, each with the local time and offset",
  })
  @ApiOkResponse({ type: SchedulePreviewResponseDto })
  preview(@Body() dto: SchedulePreviewDto): SchedulePreviewResponseDto {
    return this.drafts.schedulePreview(dto);
  }
}
