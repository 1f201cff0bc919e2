import { applyDecorators, ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, DECORATORS } from '@nestjs/swagger';
import { getMetadataStorage, IsInt, IsOptional, Max, Min, ValidatorOptions } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { findUnstorableText, joinField, UNSTORABLE_TEXT_PROBLEM } from '@lcm/domain/text';
import { ApiError, FieldProblem } from './api-error';

/** The largest value of a PostgreSQL integer (int4) column, such as every `version`. */
export const INT4_MAX = 2_147_483_647;

/**
 * The validation every body, query and path parameter goes through, in this order:
 * 1. text: no string anywhere in it (values or keys, declared fields or free-form ones such as
 *    messages, definitions and attributes) may hold what PostgreSQL can't store;
 * 2. null: only where the OpenAPI document says the field is nullable (there null clears it); class
 *    -validator's IsOptional, and the PartialType of update DTOs, would let any null through;
 * 3. the DTO's class-validator rules.
 * Problems come back as one plain sentence per field: `{field, problem}`.
 */
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      stopAtFirstError: false,
      // The target lets a problem be described from the field's whole rule, not only the part that failed.
      validationError: { target: true, value: true },
      exceptionFactory: (errors) => invalid(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const bad = findUnstorableText(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (bad) {
        const field = bad.path === 'body' && metadata.type !== 'body' ? metadata.type : bad.path;
        throw invalid([
          { field, problem: bad.inKey ? `has a key that ${UNSTORABLE_TEXT_PROBLEM}` : UNSTORABLE_TEXT_PROBLEM },
        ]);
      }
    }
    // Nest deletes "__proto__", "constructor" and "prototype" from the body it validates, in place,
    // and class-transformer skips every key named like a member of Object.prototype ("toString",
    // "hasOwnProperty", …): both silently. The body as sent is kept aside to put them back (a body is
    // parsed JSON, and JSON.parse makes "__proto__" an own key again). A query string is kept the
    // same way: `?constructor=1` is as unknown a parameter as `?zzz=1`, and refused like it.
    const shape = wrongShape(value, metadata);
    if (shape.length) throw invalid(shape);
    const sent =
      (metadata.type === 'body' || metadata.type === 'query') && hasObjectMemberKey(value)
        ? JSON.parse(JSON.stringify(value))
        : undefined;
    const result = await super.transform(value, metadata);
    if (sent === undefined) return result;
    const problems: FieldProblem[] = [];
    const kept = keepObjectMemberKeys(result, sent, '', problems);
    if (problems.length) throw invalid(problems);
    return kept;
  }

  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, options);
    const shapes = [...findForbiddenNulls(object), ...findListsForObjects(object)];
    if (shapes.length) {
      const others = flattenValidationErrors(errors).filter((p) => !shapes.some((n) => n.field === p.field));
      throw invalid([...shapes, ...others]);
    }
    return errors;
  }
}

/** A DTO: a class with class-validator rules (not a body or query typed as a list, text or any). */
function dtoRules(metatype: ArgumentMetadata['metatype']): ValidationMetadata[] | null {
  if (!metatype || [Object, Array, String, Number, Boolean].includes(metatype as never)) return null;
  const rules = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);
  return rules.length ? rules : null;
}

/**
 * What the DTO's rules would word wrongly: a body that is a JSON list (class-transformer makes a
 * list of DTOs of it, refused as "[0]: is not a field"), and a query parameter given more than once
 * (Express reads it as a list, refused as "must be text of …") where the DTO takes one value.
 */
export function wrongShape(value: unknown, metadata: ArgumentMetadata): FieldProblem[] {
  const rules = metadata.type === 'body' || metadata.type === 'query' ? dtoRules(metadata.metatype) : null;
  if (!rules) return [];
  if (metadata.type === 'body')
    return value === undefined || (value !== null && typeof value === 'object' && !Array.isArray(value))
      ? []
      : [{ field: 'body', problem: 'must be a JSON object' }];
  if (value === null || typeof value !== 'object') return [];
  const lists = new Set(rules.filter((rule) => rule.name === 'isArray' || rule.each).map((rule) => rule.propertyName));
  const known = new Set(rules.map((rule) => rule.propertyName));
  return Object.entries(value as Record<string, unknown>)
    .filter(([key, given]) => Array.isArray(given) && known.has(key) && !lists.has(key))
    .map(([key]) => ({ field: key, problem: 'must be given once' }));
}

/** Keys Nest or class-transformer drop from what they validate: Object.prototype's members, and "prototype". */
const OBJECT_MEMBER_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Whether any object in the value has a key named like an Object member. Iterative: a deep value can't exhaust the stack. */
export function hasObjectMemberKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const current = stack.pop();
    if (Array.isArray(current)) for (const item of current) stack.push(item);
    else if (current !== null && typeof current === 'object') {
      for (const key of Object.keys(current)) {
        if (OBJECT_MEMBER_KEYS.has(key)) return true;
        stack.push((current as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/**
 * The validated DTO with every free-form value (a plain object or list in it: messages, rule trees,
 * attributes) as the client sent it, keys named like Object members included: they are data, and
 * the domain's validators judge them like any other key. Such a key on a DTO itself is no field of
 * any request: it is listed in `problems` (refused with 400), never dropped without a word.
 */
export function keepObjectMemberKeys(
  validated: unknown,
  sent: unknown,
  path: string,
  problems: FieldProblem[],
): unknown {
  if (validated === null || typeof validated !== 'object' || sent === null || typeof sent !== 'object')
    return validated;
  if (Array.isArray(validated)) {
    if (!Array.isArray(sent)) return validated;
    validated.forEach((item, index) => {
      validated[index] = keepObjectMemberKeys(item, sent[index], `${path}[${index}]`, problems);
    });
    return validated;
  }
  if (Array.isArray(sent)) return validated;
  const prototype = Object.getPrototypeOf(validated) as object | null;
  if (prototype === Object.prototype || prototype === null) return sent; // free-form: the domain validates it
  const dto = validated as Record<string, unknown>;
  const given = sent as Record<string, unknown>;
  for (const key of Object.keys(given))
    if (OBJECT_MEMBER_KEYS.has(key) && !Object.prototype.hasOwnProperty.call(dto, key))
      problems.push({ field: joinField(path, key), problem: 'is not a field of this request' });
  for (const key of Object.keys(dto))
    dto[key] = keepObjectMemberKeys(dto[key], given[key], joinField(path, key), problems);
  return dto;
}

export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe();
}

function invalid(details: FieldProblem[]): ApiError {
  const summary = details.map((d) => `${d.field}: ${d.problem}`).join('; ');
  return ApiError.badRequest(summary || 'invalid request', details);
}

/**
 * Nulls in a transformed DTO (and the DTOs nested in it) on properties whose OpenAPI metadata does
 * not say `nullable`. Properties without metadata are left to the whitelist; free-form values
 * (plain objects) to the domain's validators, which know which of their nulls mean something.
 */
export function findForbiddenNulls(instance: object, parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const prototype = Object.getPrototypeOf(instance) as object | null;
  if (!prototype || prototype === Object.prototype) return problems;
  for (const [key, value] of Object.entries(instance)) {
    const field = joinField(parent, key);
    const documented = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, key) as
      { nullable?: boolean } | undefined;
    if (value === null) {
      if (documented && !documented.nullable) problems.push({ field, problem: 'must not be null' });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (item !== null && typeof item === 'object') problems.push(...findForbiddenNulls(item, `${field}[${index}]`));
      });
    } else if (typeof value === 'object') {
      problems.push(...findForbiddenNulls(value as object, field));
    }
  }
  return problems;
}

/**
 * Lists where a nested DTO (one object) belongs: class-validator's @ValidateNested validates each
 * item of an array it is given instead, so `[]` or `[{…}]` would pass as the object and reach a
 * service. The same holds for an item of a list of nested DTOs (`variants: [[]]`): class-validator
 * descends into a list item that is itself a list, and an empty one passes. Every such field, at
 * any depth, is refused here, once for all DTOs.
 */
export function findListsForObjects(instance: object, parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const prototype = Object.getPrototypeOf(instance) as object | null;
  if (!prototype || prototype === Object.prototype) return problems;
  const nested = getMetadataStorage()
    .getTargetValidationMetadatas(instance.constructor, '', true, false)
    .filter((rule) => rule.type === 'nestedValidation');
  const singleNested = new Set(nested.filter((rule) => !rule.each).map((rule) => rule.propertyName));
  const listNested = new Set(nested.filter((rule) => rule.each).map((rule) => rule.propertyName));
  for (const [key, value] of Object.entries(instance)) {
    const field = joinField(parent, key);
    if (Array.isArray(value)) {
      if (singleNested.has(key)) problems.push({ field, problem: 'must be an object' });
      else
        value.forEach((item, index) => {
          if (Array.isArray(item) && listNested.has(key))
            problems.push({ field: `${field}[${index}]`, problem: 'must be an object' });
          else if (item !== null && typeof item === 'object')
            problems.push(...findListsForObjects(item, `${field}[${index}]`));
        });
    } else if (value !== null && typeof value === 'object') {
      problems.push(...findListsForObjects(value as object, field));
    }
  }
  return problems;
}

/** Flattens class-validator's nested errors into one `{field, problem}` per field (`messages[0].text`). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : joinField(parent, error.property);
    if (error.constraints && Object.keys(error.constraints).length) problems.push({ field, problem: describe(error) });
    if (error.children?.length) problems.push(...flattenValidationErrors(error.children, field));
  }
  return problems;
}

const count = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n));

/** What a value of the field must be, by rule name; null: the rule says nothing about the type. */
const KINDS: Record<string, (constraints: unknown[]) => string> = {
  isInt: () => 'a whole number',
  isNumber: () => 'a number',
  isString: () => 'text',
  isBoolean: () => 'true or false',
  isArray: () => 'a list',
  isObject: () => 'an object',
  isIn: ([values]) => `one of ${(values as unknown[]).join(', ')}`,
  isUuid: () => 'a UUID',
  isEmail: () => 'an email address',
  isUrl: () => 'an http or https URL',
  isDateString: () => 'an ISO-8601 date-time such as 2026-11-23T10:00:00+08:00',
};

/**
 * One plain sentence for a field that failed: "is required", "must not be null", or what the field
 * must be, built from all of its rules at once ("must be a whole number from 1 to 2,147,483,647"),
 * so a client reads the rule once instead of one library message per part that failed. A rule with
 * its own message (a pattern's, a custom constraint's) speaks for itself.
 */
function describe(error: ValidationError): string {
  const failed = Object.keys(error.constraints ?? {});
  if (failed.includes('whitelistValidation')) return 'is not a field of this request';
  if (error.value === undefined && !failed.includes('whitelistValidation')) return 'is required';
  if (failed.includes('nestedValidation')) return 'must be an object';
  const rules = error.target ? rulesOf(error.target, error.property) : [];
  const own = failed.filter((name) => {
    const rule = rules.find((r) => r.name === name);
    return !rule || rule.message !== undefined || !(name in KINDS || name in BOUNDS);
  });
  // A type rule with its own message ("must be text: a 5-field cron expression…") says it best.
  const ownKind = failed.find((name) => name in KINDS && rules.find((r) => r.name === name)?.message !== undefined);
  if (ownKind) return error.constraints![ownKind];
  const kindFailed = failed.some((name) => name in KINDS);
  if (own.length && !kindFailed) {
    // A pattern without a message of its own would read as the library's "must match /…/ regular expression".
    const text = (name: string) =>
      name === 'matches' && rules.find((r) => r.name === name)?.message === undefined
        ? 'is not in the expected format'
        : error.constraints![name];
    return own.map(text).join('; ');
  }
  const kind = rules.map((r) => r.name && KINDS[r.name]?.(r.constraints ?? [])).find(Boolean);
  const bounds = describeBounds(rules);
  if (!kind && !bounds) return failed.map((name) => error.constraints![name].replace(/^\S+ /, '')).join('; ');
  return ['must be', kind ?? 'a value', bounds].filter(Boolean).join(' ');
}

const BOUNDS = { min: 1, max: 1, isLength: 1, minLength: 1, maxLength: 1, arrayMinSize: 1, arrayMaxSize: 1 };

function describeBounds(rules: ValidationMetadata[]): string {
  const arg = (name: string, index = 0) =>
    rules.find((r) => r.name === name)?.constraints?.[index] as number | undefined;
  const range = (low: number | undefined, high: number | undefined, unit: string) => {
    if (low !== undefined && high !== undefined)
      return `${low === high ? '' : `${count(low)} to `}${count(high)}${unit}`;
    if (low !== undefined) return `at least ${count(low)}${unit}`;
    if (high !== undefined) return `at most ${count(high)}${unit}`;
    return '';
  };
  const parts: string[] = [];
  const numbers = range(arg('min'), arg('max'), '');
  if (numbers) parts.push(numbers.includes(' to ') ? `from ${numbers}` : numbers);
  const length = range(arg('isLength') ?? arg('minLength'), arg('isLength', 1) ?? arg('maxLength'), ' characters');
  if (length) parts.push(`of ${length}`);
  const items = range(arg('arrayMinSize'), arg('arrayMaxSize'), ' items');
  if (items) parts.push(`with ${items}`);
  return parts.join(', ');
}

function rulesOf(target: object, property: string): ValidationMetadata[] {
  return getMetadataStorage()
    .getTargetValidationMetadatas(target.constructor, '', true, false)
    .filter((rule) => rule.propertyName === property);
}

/**
 * The `version` a client read, sent back with a change: a whole number an int4 column holds.
 * Optional where a stale check is the caller's choice (workflow actions).
 */
export function VersionField(options: { optional?: boolean; description: string }): PropertyDecorator {
  const property = { description: options.description, type: 'integer' as const, minimum: 1, maximum: INT4_MAX };
  return applyDecorators(
    ...(options.optional ? [ApiPropertyOptional(property), IsOptional()] : [ApiProperty(property)]),
    IsInt(),
    Min(1),
    Max(INT4_MAX),
  );
}
