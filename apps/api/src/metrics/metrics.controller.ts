import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/auth.decorators';
import { ApiErrorResponses } from '../common/api-error.dto';
import { MetricsEndpointService } from './metrics-endpoint.service';

@ApiTags('health')
@ApiErrorResponses()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsEndpointService) {}

  @Get()
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Prometheus metrics in the text format (an admin's token: scrape with bearer_token)" })
  @ApiOkResponse({ description: 'text/plain; version=0.0.4', schema: { type: 'string' } })
  async scrape(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.metrics.scrape();
    response.type(contentType).send(body);
  }
}
