import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth.decorators';
import { UuidParam } from '../common/uuid-param';
import {
  AudienceCreateDto,
  AudienceListQueryDto,
  AudienceListResponseDto,
  AudiencePreviewQueryDto,
  AudiencePreviewResponseDto,
  AudienceResponseDto,
  AudienceSizeQueryDto,
  AudienceSizeResponseDto,
  AudienceUpdateDto,
} from './audiences.dto';
import { AudiencesService } from './audiences.service';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('audiences')
@ApiBearerAuth()
@Controller('audiences')
export class AudiencesController {
  constructor(private readonly audiences: AudiencesService) {}

  @Post()
  @Roles('marketer', 'admin')
  @ApiOperation({
    summary: 'Create an audience from a rule tree; a bad tree gets 400 with the path of the bad node; audited',
  })
  @ApiCreatedResponse({ type: AudienceResponseDto })
  create(@CurrentUser() actor: AuthUser, @Body() dto: AudienceCreateDto): Promise<AudienceResponseDto> {
    return this.audiences.create(actor, dto);
  }

  @Post('size')
  @HttpCode(200)
  @Roles('marketer', 'admin')
  @ApiOperation({
    summary:
      'Size of a rule tree that is not saved (same counts as GET /audiences/:id/size); a bad tree gets 400 with the path of the bad node',
  })
  @ApiOkResponse({ type: AudienceSizeResponseDto })
  sizeOf(@Body() dto: AudienceSizeQueryDto): Promise<AudienceSizeResponseDto> {
    return this.audiences.sizeOfUnsaved(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List audiences, optionally of one LINE account' })
  @ApiOkResponse({ type: AudienceListResponseDto })
  list(@Query() query: AudienceListQueryDto): Promise<AudienceListResponseDto> {
    return this.audiences.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One audience' })
  @ApiOkResponse({ type: AudienceResponseDto })
  get(@UuidParam('id') id: string): Promise<AudienceResponseDto> {
    return this.audiences.get(id);
  }

  @Patch(':id')
  @Roles('marketer', 'admin')
  @ApiOperation({
    summary: 'Rename an audience or change its definition (with version; stale → 409; cycles → 400); audited',
  })
  @ApiOkResponse({ type: AudienceResponseDto })
  update(
    @CurrentUser() actor: AuthUser,
    @UuidParam('id') id: string,
    @Body() dto: AudienceUpdateDto,
  ): Promise<AudienceResponseDto> {
    return this.audiences.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('marketer', 'admin')
  @ApiOperation({
    summary: 'Delete an audience (409 while another audience or an approved or sending campaign uses it); audited',
  })
  @ApiNoContentResponse()
  delete(@CurrentUser() actor: AuthUser, @UuidParam('id') id: string): Promise<void> {
    return this.audiences.delete(actor, id);
  }

  @Get(':id/size')
  @ApiOperation({
    summary: 'Recipients (following, each user once) and excluded members (blocked, unfollowed), counted in SQL',
  })
  @ApiOkResponse({ type: AudienceSizeResponseDto })
  size(@UuidParam('id') id: string): Promise<AudienceSizeResponseDto> {
    return this.audiences.size(id);
  }

  @Get(':id/preview')
  @ApiOperation({ summary: "A sample of the audience's following members" })
  @ApiOkResponse({ type: AudiencePreviewResponseDto })
  preview(@UuidParam('id') id: string, @Query() query: AudiencePreviewQueryDto): Promise<AudiencePreviewResponseDto> {
    return this.audiences.preview(id, query.limit);
  }
}
