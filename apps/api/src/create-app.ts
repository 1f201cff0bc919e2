import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { installInputBoundary } from './common/input-boundary';
import { createValidationPipe } from './common/validation';
import { createOpenApiDocument } from './openapi';
import { serveConsole } from './console/serve-console';
import { httpMetrics } from './metrics/http-metrics';
import { Metrics } from './metrics/metrics';
import type { Clock } from './common/clock';

export const API_PREFIX = 'api/v1';

/**
 * The configured application, not yet listening: shared by main.ts and the end-to-end tests.
 * `logDestination`: where log lines go instead of stdout; `clock`: a clock the caller moves (tests).
 */
export async function createApp(
  config: AppConfig,
  logDestination?: DestinationStream,
  clock?: Clock,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logDestination, clock), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // Nest keeps buffering until listen(); an app that is only initialised (the tests) would never log.
  app.flushLogs();
  // Who may speak for the client in X-Forwarded-*: see AppConfig.trustProxy (TRUST_PROXY).
  app.set('trust proxy', config.trustProxy);
  app.use(httpMetrics(app.get(Metrics)));
  serveConsole(app, config.consoleDir);
  installInputBoundary(app);
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
