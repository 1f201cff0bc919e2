import { Module } from '@nestjs/common';
import { Metrics } from './metrics';

/** The counters and histograms services record into; no imports, so any module may use it. */
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
