import { Injectable } from '@nestjs/common';
import type { LineAccount } from '@lcm/database';
import { createLineClient, LineClient } from '@lcm/line-client';
import { AppConfigService } from '../config/config.service';
import { Metrics } from '../metrics/metrics';

/** Hands out a LINE client for an account (LINE itself, or the simulator at apiBaseUrl). Tests swap this class. */
@Injectable()
export class LineGateway {
  constructor(
    private readonly config: AppConfigService,
    private readonly metrics: Metrics,
  ) {}

  clientFor(account: Pick<LineAccount, 'channelAccessToken' | 'apiBaseUrl'>): LineClient {
    return createLineClient({
      channelAccessToken: account.channelAccessToken,
      baseUrl: account.apiBaseUrl,
      timeoutMs: this.config.values.lineTimeoutMs,
      onCall: this.metrics.lineCall,
    });
  }
}
