import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config';
import { APP_CONFIG, AppConfigService } from './config.service';

/** Exposes the validated AppConfig through @nestjs/config's ConfigService. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, cache: true, load: [() => ({ [APP_CONFIG]: config })] })],
      providers: [
        {
          provide: AppConfigService,
          useFactory: (service: ConfigService) => new AppConfigService(service),
          inject: [ConfigService],
        },
      ],
      exports: [AppConfigService],
    };
  }
}
