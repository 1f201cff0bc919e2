import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OPENAPI_FILE, renderOpenApiDocument, ROOT } from './api-types';

// The console's client is typed from these two committed files. When a route or DTO changes and
// nobody ran `npm run api:types`, the console would compile against an API that no longer exists.
describe("the console's generated API types (run `npm run api:types` when this fails)", () => {
  it('openapi.json is the OpenAPI document of the current code', async () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(await renderOpenApiDocument());
  });

  it('schema.d.ts is what openapi-typescript makes of openapi.json', () => {
    const generated = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'openapi-types.mjs'), '--stdout'], {
      encoding: 'utf8',
    });
    expect(readFileSync(path.join(path.dirname(OPENAPI_FILE), 'schema.d.ts'), 'utf8')).toBe(generated);
  });
});
