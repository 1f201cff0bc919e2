import { Body, Controller, Get, HttpCode, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Roles } from '../auth/auth.decorators';
import { UuidParam } from '../common/uuid-param';
import {
  ContactImportProgressDto,
  ContactImportQueryDto,
  ContactImportResponseDto,
  ContactListQueryDto,
  ContactListResponseDto,
  ContactsUpsertDto,
  ContactsUpsertResponseDto,
} from './contacts.dto';
import { ContactsService } from './contacts.service';
import { ApiErrorResponses } from '../common/api-error.dto';

@ApiErrorResponses()
@ApiTags('contacts')
@ApiBearerAuth()
@Controller('line-accounts/:id/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Put()
  @Roles('marketer', 'admin')
  @ApiOperation({
    summary: 'Bulk upsert of up to 10,000 contacts; bad rows are listed in rejected while the rest are written',
  })
  @ApiBody({ type: ContactsUpsertDto })
  @ApiOkResponse({ type: ContactsUpsertResponseDto })
  upsert(
    @UuidParam('id') id: string,
    @Body() body: unknown /* not a class: see ContactsUpsertDto */,
  ): Promise<ContactsUpsertResponseDto> {
    return this.contacts.upsert(id, body);
  }

  @Post('import')
  @HttpCode(200)
  @Roles('marketer', 'admin')
  @ApiOperation({
    summary: 'Streamed CSV import: header lineUserId,displayName,tags (|-separated), then attribute columns',
    description:
      'An attribute column may declare its type in the header: `age:number`, `signupDate:date` (YYYY-MM-DD or a ' +
      'date-time with offset), `vip:boolean` (true/false), `zip:string` (kept as written). A row whose cell does not ' +
      'fit its column is refused and listed under `rejected` with its line; empty cells are skipped. An untyped ' +
      'column reads numbers, true/false and everything else as text (numbers with leading zeros or too many digits ' +
      'stay text). An unknown type is a 400 naming the header cell.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({
    schema: {
      type: 'string',
      example:
        'lineUserId,displayName,tags,city,age:number,signupDate:date\nU4af4980629aaaaaaaaaaaaaaaaaaaaaa,Mei,vip|newsletter,Taipei,31,2024-05-01\n',
    },
  })
  @ApiOkResponse({ type: ContactImportResponseDto })
  import(
    @UuidParam('id') id: string,
    @Query() query: ContactImportQueryDto,
    @Req() request: Request,
  ): Promise<ContactImportResponseDto> {
    return this.contacts.importCsv(id, request, query.importId);
  }

  @Get('import/:importId')
  @ApiOperation({
    summary: "A CSV import's progress while it runs (by the importId its upload named), and its outcome after",
  })
  @ApiOkResponse({ type: ContactImportProgressDto })
  importProgress(
    @UuidParam('id') id: string,
    @UuidParam('importId') importId: string,
  ): Promise<ContactImportProgressDto> {
    return this.contacts.importProgress(id, importId);
  }

  @Get()
  @ApiOperation({ summary: "An account's contacts, filtered by tag and status, in lineUserId order" })
  @ApiOkResponse({ type: ContactListResponseDto })
  list(@UuidParam('id') id: string, @Query() query: ContactListQueryDto): Promise<ContactListResponseDto> {
    return this.contacts.list(id, query);
  }
}
