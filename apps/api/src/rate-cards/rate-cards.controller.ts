import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth.decorators';
import {
  RateCardCreateDto,
  RateCardListQueryDto,
  RateCardListResponseDto,
  RateCardResponseDto,
} from './rate-cards.dto';
import { RateCardsService } from './rate-cards.service';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('rate-cards')
@ApiBearerAuth()
@Controller('rate-cards')
export class RateCardsController {
  constructor(private readonly rateCards: RateCardsService) {}

  @Get()
  @ApiOperation({ summary: 'Rate cards, every version (all roles)' })
  @ApiOkResponse({ type: RateCardListResponseDto })
  list(@Query() query: RateCardListQueryDto): Promise<RateCardListResponseDto> {
    return this.rateCards.list(query);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Add a rate card version; it takes effect from effectiveFrom. Never mark guessed bands verified.',
  })
  @ApiCreatedResponse({ type: RateCardResponseDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: RateCardCreateDto): Promise<RateCardResponseDto> {
    return this.rateCards.create(actor, dto);
  }
}
