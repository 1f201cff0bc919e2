import fs from 'node:fs';
import path from 'node:path';
import Ajv2019, { ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Test support: LINE's OpenAPI 3.0 documents as JSON Schema validators (ajv), so tests can check
 * the simulator's answers and webhook bodies against the spec.
 *
 * OpenAPI 3.0 is not JSON Schema; the translation handles what LINE's specs use:
 * - `$ref: '#/components/schemas/X'` resolves inside the loaded document;
 * - `nullable: true` becomes a `null` alternative;
 * - `discriminator` (a base schema whose subtypes extend it with `allOf: [$ref base]`) becomes a
 *   dispatch on the property value to the mapped subtype, while the subtypes' `allOf` refer to a
 *   copy of the base without the dispatch (so validation can't loop back into it);
 * - formats JSON Schema doesn't know (int32, int64, double, a regex written as a format) are ignored.
 * With `closed: true` object schemas take no undeclared properties, which catches misspelt fields
 * in answers (LINE's schemas never set `additionalProperties`).
 */

type SchemaNode = Record<string, unknown>;

interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, SchemaNode> };
}

interface OperationObject {
  requestBody?: { content?: Record<string, { schema?: SchemaNode }> };
  responses?: Record<string, { content?: Record<string, { schema?: SchemaNode }> }>;
}

const COMPONENT_PREFIX = '#/components/schemas/';
const BASE_SUFFIX = '__base';
const IGNORED_KEYWORDS = new Set(['discriminator', 'example', 'examples', 'externalDocs', 'xml']);

/** Where LINE's specs live: next to the checkout (`../shared/line-openapi`), or `LINE_OPENAPI_DIR`. */
export function lineOpenApiFile(file: string): string | null {
  const candidates = [
    process.env.LINE_OPENAPI_DIR ? path.join(process.env.LINE_OPENAPI_DIR, file) : null,
    path.resolve(__dirname, '../../../../../shared/line-openapi', file),
    path.join(repoRoot(), '..', 'shared', 'line-openapi', file),
  ];
  return candidates.find((candidate): candidate is string => candidate !== null && fs.existsSync(candidate)) ?? null;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'apps'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return __dirname;
    dir = parent;
  }
  return dir;
}

export class OpenApiSchemas {
  private readonly ajv: Ajv2019;
  private readonly documentId: string;
  private readonly cache = new Map<string, ValidateFunction>();

  private constructor(
    readonly document: OpenApiDocument,
    options: { closed: boolean; name: string },
  ) {
    this.documentId = `https://line-simulator.test/${options.name}${options.closed ? '-closed' : ''}.json`;
    this.ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    const schemas = convertComponents(document.components.schemas, options.closed);
    for (const format of collectFormats(schemas)) if (!this.ajv.formats[format]) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ $id: this.documentId, components: { schemas } });
  }

  static load(file: string, options: { closed?: boolean } = {}): OpenApiSchemas {
    const document = parse(fs.readFileSync(file, 'utf8')) as OpenApiDocument;
    return new OpenApiSchemas(document, {
      closed: options.closed ?? false,
      name: path.basename(file, path.extname(file)),
    });
  }

  /** A validator for `components.schemas[name]`. */
  schema(name: string): ValidateFunction {
    return this.validatorFor(`${COMPONENT_PREFIX}${name}`);
  }

  /** The JSON schema `$ref` of an operation's JSON request body. */
  requestSchemaName(route: string, method: string): string {
    return schemaName(
      this.operation(route, method).requestBody?.content?.['application/json']?.schema,
      `${method} ${route} request`,
    );
  }

  /** The JSON schema of a response; undefined when the spec declares the status without a body. */
  responseSchemaName(route: string, method: string, status: number): string | undefined {
    const response = this.operation(route, method).responses?.[String(status)];
    if (!response) throw new Error(`the spec declares no ${status} response for ${method} ${route}`);
    const schema = response.content?.['application/json']?.schema;
    return schema ? schemaName(schema, `${method} ${route} ${status}`) : undefined;
  }

  declaresStatus(route: string, method: string, status: number): boolean {
    return this.operation(route, method).responses?.[String(status)] !== undefined;
  }

  /** Mapping keys of a discriminated schema (e.g. all message types), to check test coverage. */
  discriminatorValues(name: string): string[] {
    const discriminator = this.document.components.schemas[name]?.discriminator as
      { mapping?: Record<string, string> } | undefined;
    return Object.keys(discriminator?.mapping ?? {});
  }

  private operation(route: string, method: string): OperationObject {
    const operation = this.document.paths[route]?.[method.toLowerCase()];
    if (!operation) throw new Error(`the spec has no ${method} ${route}`);
    return operation;
  }

  private validatorFor(ref: string): ValidateFunction {
    let validate = this.cache.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${this.documentId}${ref}` });
      this.cache.set(ref, validate);
    }
    return validate;
  }
}

function schemaName(schema: SchemaNode | undefined, what: string): string {
  const ref = schema?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith(COMPONENT_PREFIX))
    throw new Error(`${what}: expected a $ref to a component schema`);
  return ref.slice(COMPONENT_PREFIX.length);
}

function convertComponents(schemas: Record<string, SchemaNode>, closed: boolean): Record<string, SchemaNode> {
  const discriminated = new Set(Object.keys(schemas).filter((name) => isRecord(schemas[name].discriminator)));
  const converted: Record<string, SchemaNode> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    // A discriminated base is extended by its subtypes, so it can't itself refuse their properties.
    const plain = convertNode(schema, discriminated, closed, !discriminated.has(name)) as SchemaNode;
    const discriminator = schema.discriminator as
      { propertyName: string; mapping?: Record<string, string> } | undefined;
    if (!discriminator) {
      converted[name] = plain;
      continue;
    }
    converted[`${name}${BASE_SUFFIX}`] = plain;
    const property = discriminator.propertyName;
    converted[name] = {
      allOf: [
        { $ref: `${COMPONENT_PREFIX}${name}${BASE_SUFFIX}` },
        ...Object.entries(discriminator.mapping ?? {}).map(([value, target]) => ({
          if: { properties: { [property]: { const: value } }, required: [property] },
          then: { $ref: target },
        })),
      ],
    };
  }
  return converted;
}

/**
 * `closeHere` is false for schemas that others extend (`allOf` members, discriminated bases):
 * `unevaluatedProperties` there would only see that member's own properties.
 */
function convertNode(node: unknown, discriminated: Set<string>, closed: boolean, closeHere = true): unknown {
  if (Array.isArray(node)) return node.map((item) => convertNode(item, discriminated, closed));
  if (!isRecord(node)) return node;
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (IGNORED_KEYWORDS.has(key) || key === 'nullable') continue;
    if (key === 'allOf' && Array.isArray(value)) {
      // A subtype extends its discriminated base: point it at the base without the dispatch.
      out.allOf = value.map((member) => {
        const ref = isRecord(member) ? member.$ref : undefined;
        if (typeof ref === 'string' && discriminated.has(ref.slice(COMPONENT_PREFIX.length)))
          return { $ref: `${ref}${BASE_SUFFIX}` };
        return convertNode(member, discriminated, closed, false);
      });
    } else if (key === 'properties' && isRecord(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, schema]) => [name, convertNode(schema, discriminated, closed)]),
      );
    } else {
      out[key] = convertNode(value, discriminated, closed);
    }
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
  }
  if (
    closed &&
    closeHere &&
    (out.type === 'object' || isRecord(out.properties)) &&
    out.additionalProperties === undefined
  )
    out.unevaluatedProperties = false;
  return out;
}

function collectFormats(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => collectFormats(item, found));
  else if (isRecord(node)) {
    if (typeof node.format === 'string') found.add(node.format);
    Object.values(node).forEach((value) => collectFormats(value, found));
  }
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
