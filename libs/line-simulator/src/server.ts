import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Express, NextFunction, Request, Response } from 'express';
import type { ChannelInput } from './core/channel-settings';
import { MessagingService } from './core/messaging-service';
import type { RateLimitTable } from './core/rate-limiter';
import { SimulatorState } from './core/simulator-state';
import { WebhookSender } from './core/webhook-sender';
import { controlApiRouter } from './http/control-api';
import { deliveryCountsControlRouter } from './http/delivery-counts-control';
import { insightControlRouter } from './http/insight-control-api';
import { lineApiRouter } from './http/line-api';
import { assignRequestId } from './http/request-id';

export interface LineSimulatorOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1: the simulator is a development tool and has no business on other interfaces. */
  host?: string;
  /** Simulator-wide rate limits over LINE's defaults, e.g. `{multicast: {limit: 5, windowMs: 1000}}`. */
  rateLimits?: Partial<RateLimitTable>;
  /** Seed for fault injection; the same seed and the same requests meet the same faults. */
  seed?: number | string;
  /** Time zone of the monthly consumption reset; default Asia/Taipei. */
  timeZone?: string;
  /** Send `Retry-After` on rate-limit 429s (LINE does not). */
  retryAfterHeader?: boolean;
  /** Channels to create at start, keyed by channel id. */
  channels?: Record<string, ChannelInput & { accessToken: string }>;
}

export interface LineSimulatorHandle {
  url: string;
  port: number;
  state: SimulatorState;
  close(): Promise<void>;
}

export function createSimulatorApp(state: SimulatorState, shutdown: AbortSignal): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(assignRequestId);
  app.use(deliveryCountsControlRouter(state));
  app.use(insightControlRouter(state));
  app.use(controlApiRouter(state, new WebhookSender(() => state.clock.now())));
  app.use(lineApiRouter({ state, messaging: new MessagingService(), shutdown }));
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ message: 'Not found' });
  });
  // Last resort: body-parser's 4xx keep their status (bad JSON to the control API); a bug in the
  // simulator answers 500 with its message rather than hanging the caller.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
        ? error.status
        : 500;
    res
      .status(status >= 400 && status < 600 ? status : 500)
      .json({ message: error instanceof Error ? error.message : 'simulator error' });
  });
  return app;
}

/** Starts the LINE Messaging API simulator; resolves once it listens. */
export async function startLineSimulator(options: LineSimulatorOptions): Promise<LineSimulatorHandle> {
  const state = new SimulatorState({
    seed: options.seed,
    timeZone: options.timeZone,
    rateLimits: options.rateLimits,
    retryAfterHeader: options.retryAfterHeader,
  });
  for (const [channelId, input] of Object.entries(options.channels ?? {})) state.putChannel(channelId, input);

  const shutdown = new AbortController();
  const server = http.createServer(createSimulatorApp(state, shutdown.signal));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    state,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        shutdown.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
