import { Injectable, OnModuleDestroy } from '@nestjs/common';

/**
 * Whether the service is shutting down. Set first when it stops (the launcher calls beginShutdown on
 * SIGTERM before anything stops), so /health/ready answers 503 while workers finish what is in flight.
 */
@Injectable()
export class ServiceLifecycle implements OnModuleDestroy {
  private stoppingSince: Date | null = null;

  get stopping(): boolean {
    return this.stoppingSince !== null;
  }

  beginShutdown(): void {
    this.stoppingSince ??= new Date();
  }

  onModuleDestroy(): void {
    this.beginShutdown();
  }
}
