import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth.decorators';
import { PageQueryDto } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import {
  LineAccountCreateDto,
  LineAccountListResponseDto,
  LineAccountResponseDto,
  LineAccountUpdateDto,
} from './line-accounts.dto';
import { LineAccountsService } from './line-accounts.service';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('line-accounts')
@ApiBearerAuth()
@Controller('line-accounts')
export class LineAccountsController {
  constructor(private readonly accounts: LineAccountsService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Register a LINE Official Account (secrets are write-only)' })
  @ApiCreatedResponse({ type: LineAccountResponseDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: LineAccountCreateDto): Promise<LineAccountResponseDto> {
    return this.accounts.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List LINE accounts' })
  @ApiOkResponse({ type: LineAccountListResponseDto })
  list(@Query() query: PageQueryDto): Promise<LineAccountListResponseDto> {
    return this.accounts.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One LINE account' })
  @ApiOkResponse({ type: LineAccountResponseDto })
  get(@UuidParam('id') id: string): Promise<LineAccountResponseDto> {
    return this.accounts.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change an account (plan, budget, caps, secrets…) with version; audited' })
  @ApiOkResponse({ type: LineAccountResponseDto })
  update(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: LineAccountUpdateDto,
  ): Promise<LineAccountResponseDto> {
    return this.accounts.update(actor, id, dto);
  }
}
