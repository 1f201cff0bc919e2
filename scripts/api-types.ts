// `npm run api:types`: writes the service's OpenAPI document into apps/console/src/api/openapi.json
// (then scripts/openapi-types.mjs turns it into the console's types, schema.d.ts). The application
// is created but never initialised or started, so no database is needed: the document comes from
// the routes and DTOs alone.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readAppConfig } from '../apps/api/src/config/app-config';
import { createApp } from '../apps/api/src/create-app';
import { createOpenApiDocument } from '../apps/api/src/openapi';

// The repository root, from the source (scripts/) and from the compiled copy (dist/scripts/) alike.
export const ROOT = [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..')].find((dir) =>
  existsSync(path.join(dir, 'package.json')),
)!;
export const OPENAPI_FILE = path.join(ROOT, 'apps', 'console', 'src', 'api', 'openapi.json');

/** The document exactly as openapi.json holds it. */
export async function renderOpenApiDocument(): Promise<string> {
  const config = readAppConfig({
    DATABASE_URL: 'postgresql://localhost/placeholder',
    LOG_LEVEL: 'silent',
    LINE_SIMULATOR: 'off',
    DISPATCH_ENABLED: 'false',
    QUOTA_SYNC_INTERVAL_SECONDS: '0',
  });
  const app = await createApp(config);
  try {
    return JSON.stringify(createOpenApiDocument(app), null, 2) + '\n';
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  renderOpenApiDocument()
    .then((document) => {
      writeFileSync(OPENAPI_FILE, document);
      console.log(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}`);
    })
    .catch((error: Error) => {
      console.error(`api:types failed: ${error.stack ?? error.message}`);
      process.exit(1);
    });
}
