import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SESSION_COOKIE } from './auth/session-cookie';

/**
 * The service's OpenAPI document, read from the application's routes and DTOs. Served at
 * /api/docs-json and written by `npm run api:types` for the console's typed client.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('LINE campaign manager')
      .setDescription('Segmented LINE broadcasts with cost forecasts, a budget gate and exactly-once sending.')
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth(SESSION_COOKIE)
      .build(),
  );
}
