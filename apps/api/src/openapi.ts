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
      // Tokens are opaque random strings (`lcm_` + 43 base64url characters) looked up by their hash, not
      // JWTs: a client must not try to decode them or read an expiry from them.
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque (lcm_…)',
        description:
          'An opaque API token (`lcm_` followed by 43 base64url characters), not a JWT: it carries no claims to decode. Send it as `Authorization: Bearer lcm_…`.',
      })
      .addCookieAuth(SESSION_COOKIE)
      .build(),
  );
}
