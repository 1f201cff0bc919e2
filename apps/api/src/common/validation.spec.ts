import 'reflect-metadata';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ArrayMaxSize,
  Matches,
  ValidateNested,
} from 'class-validator';
import { ApiError } from './api-error';
import { ApiValidationPipe, VersionField } from './validation';

class InnerDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 10) label?: string;
}

class ThingCreateDto {
  @ApiProperty() @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() note?: string | null;
  @ApiPropertyOptional({ enum: ['a', 'b'] }) @IsOptional() @IsIn(['a', 'b']) kind?: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(3) tags?: string[];
  @ApiPropertyOptional({ type: InnerDto }) @IsOptional() @ValidateNested() @Type(() => InnerDto) inner?: InnerDto;
}

class CodeDto {
  @ApiProperty() @IsString() @Matches(/^[A-Z]{2}$/) code: string;
  @ApiProperty() @IsString() @Matches(/^[a-z]+$/, { message: 'must be lower-case letters' }) word: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() ref?: string;
}

class ThingUpdateDto extends PartialType(ThingCreateDto) {
  @VersionField({ description: 'read version' }) version: number;
}

async function problems(metatype: new () => object, value: unknown): Promise<unknown> {
  try {
    await new ApiValidationPipe().transform(value, { type: 'body', metatype });
    return [];
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return error.details;
  }
}

describe('ApiValidationPipe', () => {
  it('says what a field must be once, from its whole rule', async () => {
    expect(await problems(ThingCreateDto, { name: '' })).toEqual([
      { field: 'name', problem: 'must be text of 1 to 200 characters' },
    ]);
    expect(await problems(ThingCreateDto, { name: 5, kind: 'c', tags: [1, 2, 3, 4] })).toEqual([
      { field: 'name', problem: 'must be text of 1 to 200 characters' },
      { field: 'kind', problem: 'must be one of a, b' },
      { field: 'tags', problem: 'must be a list with at most 3 items' },
    ]);
    expect(await problems(ThingCreateDto, {})).toEqual([{ field: 'name', problem: 'is required' }]);
    expect(await problems(ThingCreateDto, { name: 'x', extra: 1 })).toEqual([
      { field: 'extra', problem: 'is not a field of this request' },
    ]);
    expect(await problems(ThingCreateDto, { name: 'x', inner: { label: '' } })).toEqual([
      { field: 'inner.label', problem: 'must be text of 1 to 10 characters' },
    ]);
  });

  it("speaks for a pattern in the pattern's own words, never the library's regular expression", async () => {
    expect(await problems(CodeDto, { code: 'tw', word: 'ABC', ref: 'x' })).toEqual([
      { field: 'code', problem: 'is not in the expected format' },
      { field: 'word', problem: 'must be lower-case letters' },
      { field: 'ref', problem: 'must be a UUID' },
    ]);
  });

  it('bounds a version by what an int4 column holds', async () => {
    for (const version of [0, 2147483648, 1e21, '1'])
      expect(await problems(ThingUpdateDto, { version })).toEqual([
        { field: 'version', problem: 'must be a whole number from 1 to 2,147,483,647' },
      ]);
    expect(await problems(ThingUpdateDto, { version: 2147483647 })).toEqual([]);
  });

  it('accepts null only where the OpenAPI metadata says nullable, also through PartialType', async () => {
    expect(await problems(ThingCreateDto, { name: 'x', note: null })).toEqual([]);
    expect(await problems(ThingUpdateDto, { version: 1, note: null })).toEqual([]);
    expect(await problems(ThingUpdateDto, { version: 1, name: null, kind: null, inner: { label: null } })).toEqual([
      { field: 'name', problem: 'must not be null' },
      { field: 'kind', problem: 'must not be null' },
      { field: 'inner.label', problem: 'must not be null' },
    ]);
    expect(await problems(ThingUpdateDto, { version: null })).toEqual([
      { field: 'version', problem: 'must not be null' },
    ]);
  });

  it('refuses a list where one nested object belongs, at any depth, and takes lists of nested objects', async () => {
    class ListsDto {
      @ApiPropertyOptional({ type: InnerDto }) @IsOptional() @ValidateNested() @Type(() => InnerDto) inner?: InnerDto;
      @ApiPropertyOptional({ type: [ThingCreateDto] })
      @IsOptional()
      @IsArray()
      @ValidateNested({ each: true })
      @Type(() => ThingCreateDto)
      things?: ThingCreateDto[];
    }
    expect(await problems(ListsDto, { inner: [] })).toEqual([{ field: 'inner', problem: 'must be an object' }]);
    expect(await problems(ListsDto, { inner: [{ label: 'ok' }] })).toEqual([
      { field: 'inner', problem: 'must be an object' },
    ]);
    expect(await problems(ListsDto, { things: [{ name: 'x', inner: [{ label: 'ok' }] }] })).toEqual([
      { field: 'things[0].inner', problem: 'must be an object' },
    ]);
    // An item of a list of nested objects that is itself a list: class-validator descends into it.
    expect(await problems(ListsDto, { things: [[]] })).toEqual([{ field: 'things[0]', problem: 'must be an object' }]);
    expect(await problems(ListsDto, { things: [{ name: 'x' }, [{ name: 'y' }]] })).toEqual([
      { field: 'things[1]', problem: 'must be an object' },
    ]);
    expect(
      await problems(ListsDto, { inner: { label: 'ok' }, things: [{ name: 'x', inner: { label: 'ok' } }] }),
    ).toEqual([]);
  });

  it('refuses unstorable text anywhere, in values and keys, naming the field', async () => {
    const bad = 'must be valid Unicode text without NUL characters';
    expect(await problems(ThingCreateDto, { name: 'a\u0000' })).toEqual([{ field: 'name', problem: bad }]);
    expect(await problems(ThingCreateDto, { name: 'x', tags: ['ok', '\ud800'] })).toEqual([
      { field: 'tags[1]', problem: bad },
    ]);
    expect(await problems(ThingCreateDto, { name: 'x', ['k\u0000']: 1 })).toEqual([
      { field: 'body', problem: `has a key that ${bad}` },
    ]);
  });

  describe('keys named like Object members (constructor, toString, __proto__, hasOwnProperty, …)', () => {
    class FreeFormDto {
      @ApiProperty() @IsString() name: string;
      @ApiProperty({ type: 'object', additionalProperties: true }) @IsDefined() definition: unknown;
      @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } })
      @IsOptional()
      @IsArray()
      messages?: unknown[];
      @ApiPropertyOptional({ type: [InnerDto] })
      @IsOptional()
      @ValidateNested({ each: true })
      @Type(() => InnerDto)
      inners?: InnerDto[];
    }
    // Built from JSON, as a request body is: "__proto__" is then an own key, not the prototype.
    const MEMBERS =
      '"constructor": "c", "toString": "t", "__proto__": {"admin": true}, "hasOwnProperty": 1, "prototype": 2';
    const KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'prototype'];
    const transform = (metatype: new () => object, json: string) =>
      new ApiValidationPipe().transform(JSON.parse(json), { type: 'body', metatype }) as Promise<
        Record<string, unknown>
      >;

    it('keeps them in free-form values (rule trees, messages, attributes are data), at any depth', async () => {
      const dto = await transform(
        FreeFormDto,
        `{"name": "x", "definition": {"all": [{"tag": "vip", ${MEMBERS}}], ${MEMBERS}},
          "messages": [{"type": "text", "text": "hi", ${MEMBERS}}], "inners": [{"label": "ok"}]}`,
      );
      const definition = dto.definition as { all: object[] };
      expect(Object.keys(definition)).toEqual(['all', ...KEYS]);
      expect(Object.keys(definition.all[0])).toEqual(['tag', ...KEYS]);
      expect(Object.keys((dto.messages as object[])[0])).toEqual(['type', 'text', ...KEYS]);
      expect(Object.getPrototypeOf(definition)).toBe(Object.prototype); // "__proto__" stayed a key
      expect((definition as Record<string, unknown>).constructor).toBe('c');
      expect(dto).toBeInstanceOf(FreeFormDto);
      expect((dto.inners as object[])[0]).toBeInstanceOf(InnerDto);
    });

    it('refuses them on a DTO, naming the field, instead of dropping them', async () => {
      for (const key of KEYS) {
        const value = key === '__proto__' ? '{"admin": true}' : '"x"';
        expect(await problems(ThingCreateDto, JSON.parse(`{"name": "x", "${key}": ${value}}`))).toEqual([
          { field: key, problem: 'is not a field of this request' },
        ]);
      }
      expect(
        await problems(ThingCreateDto, JSON.parse('{"name": "x", "inner": {"label": "ok", "toString": 1}}')),
      ).toEqual([{ field: 'inner.toString', problem: 'is not a field of this request' }]);
      expect(
        await problems(FreeFormDto, JSON.parse('{"name": "x", "definition": {}, "inners": [{"constructor": 1}]}')),
      ).toEqual([{ field: 'inners[0].constructor', problem: 'is not a field of this request' }]);
    });
  });

  it('says a body must be a JSON object when it is a list, not "[0]: is not a field"', async () => {
    expect(await problems(ThingCreateDto, [1])).toEqual([{ field: 'body', problem: 'must be a JSON object' }]);
    expect(await problems(ThingCreateDto, [{ name: 'x' }])).toEqual([
      { field: 'body', problem: 'must be a JSON object' },
    ]);
  });

  it('says a query parameter given twice must be given once, and takes a repeated list parameter', async () => {
    const query = async (value: unknown) => {
      try {
        await new ApiValidationPipe().transform(value, { type: 'query', metatype: ThingCreateDto });
        return [];
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return error.details;
      }
    };
    expect(await query({ name: ['a', 'b'] })).toEqual([{ field: 'name', problem: 'must be given once' }]);
    expect(await query({ name: 'a', tags: ['x', 'y'] })).toEqual([]);
  });

  it('words a type rule with a message of its own in that message, not the kind and bounds', async () => {
    class CronDto {
      @ApiProperty() @IsString({ message: 'must be text: a cron expression' }) @Length(1, 200) cron: string;
    }
    expect(await problems(CronDto, { cron: 5 })).toEqual([
      { field: 'cron', problem: 'must be text: a cron expression' },
    ]);
    expect(await problems(CronDto, { cron: '' })).toEqual([
      { field: 'cron', problem: 'must be text of 1 to 200 characters' },
    ]);
  });
});
