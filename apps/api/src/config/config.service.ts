import { ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config';

/** Where @nestjs/config keeps the validated AppConfig. */
export const APP_CONFIG = 'app';

/** The validated AppConfig, injected where a service needs a setting. */
export class AppConfigService {
  constructor(private readonly configService: ConfigService) {}

  get values(): AppConfig {
    return this.configService.getOrThrow<AppConfig>(APP_CONFIG);
  }
}
