import type { LineEndpoint } from './endpoints';
import { SeededRandom } from './random';

/** One scripted answer: consumed in order, one per request the faults apply to, before any rates. */
export type FaultStep =
  'ok' | 'server_error' | 'lost_response' | { kind: 'server_error'; status: number } | { kind: 'latency'; ms: number };

export interface FaultConfig {
  /** Share of requests answered with a 5xx before anything is processed (nothing delivered). */
  serverErrorRate: number;
  serverErrorStatus: number;
  /**
   * Share of successful (2xx) requests whose response is lost: the request takes effect (messages
   * are delivered and counted), then the connection is destroyed without an answer.
   */
  lostResponseRate: number;
  /** Added before the request is processed; jitter adds a seeded random 0..jitter on top. */
  latencyMs: number;
  latencyJitterMs: number;
  /** The endpoints faults apply to; null for all of them. */
  endpoints: LineEndpoint[] | null;
  script: FaultStep[];
  /** Overrides the seed derived from the simulator's seed and the channel id. */
  seed: number | string | null;
  /**
   * `GET /v2/bot/followers/ids` answers a page read with `start` with that same token as `next`, so
   * the list never ends: how a client's defence against a LINE that repeats its cursor is tested.
   */
  repeatFollowersCursor: boolean;
}

export const NO_FAULTS: FaultConfig = {
  serverErrorRate: 0,
  serverErrorStatus: 500,
  lostResponseRate: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  endpoints: null,
  script: [],
  seed: null,
  repeatFollowersCursor: false,
};

export interface FaultDecision {
  latencyMs: number;
  serverErrorStatus: number | null;
  loseResponse: boolean;
}

const NONE: FaultDecision = { latencyMs: 0, serverErrorStatus: null, loseResponse: false };

/**
 * Decides, per request, which faults hit it. Random decisions come from a seeded PRNG, drawn in a
 * fixed order, so the same sequence of requests meets the same faults on every run.
 */
export class FaultInjector {
  private config: FaultConfig = { ...NO_FAULTS, script: [] };
  private random: SeededRandom;

  constructor(private readonly defaultSeed: string) {
    this.random = new SeededRandom(defaultSeed);
  }

  get current(): FaultConfig {
    return {
      ...this.config,
      script: [...this.config.script],
      endpoints: this.config.endpoints ? [...this.config.endpoints] : null,
    };
  }

  configure(config: FaultConfig): void {
    this.config = { ...config, script: [...config.script] };
    this.random = new SeededRandom(config.seed ?? this.defaultSeed);
  }

  get repeatsFollowersCursor(): boolean {
    return this.config.repeatFollowersCursor;
  }

  clear(): void {
    this.configure({ ...NO_FAULTS, script: [] });
  }

  decide(endpoint: LineEndpoint): FaultDecision {
    const config = this.config;
    if (config.endpoints && !config.endpoints.includes(endpoint)) return NONE;

    const step = config.script.shift();
    if (step !== undefined) return fromStep(step, config);

    const latencyMs =
      config.latencyMs + (config.latencyJitterMs > 0 ? this.random.below(config.latencyJitterMs + 1) : 0);
    const serverError = this.random.chance(config.serverErrorRate);
    const loseResponse = this.random.chance(config.lostResponseRate);
    return {
      latencyMs,
      serverErrorStatus: serverError ? config.serverErrorStatus : null,
      loseResponse: !serverError && loseResponse,
    };
  }
}

function fromStep(step: FaultStep, config: FaultConfig): FaultDecision {
  if (step === 'ok') return NONE;
  if (step === 'server_error') return { ...NONE, serverErrorStatus: config.serverErrorStatus };
  if (step === 'lost_response') return { ...NONE, loseResponse: true };
  if (step.kind === 'server_error') return { ...NONE, serverErrorStatus: step.status };
  return { ...NONE, latencyMs: step.ms };
}
