import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '@nestjs/common';

/** Names this instance in leases, so a test or an operator can tell instances apart. */
export function instanceName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** One background loop: `tick` does a unit of work and says whether it found any. */
export interface LoopSpec<Kind extends string> {
  name: string;
  kind: Kind;
  tick: () => Promise<boolean>;
}

/**
 * An instance's background loops (dispatch's scheduler and workers, the followers import workers).
 * Each loop runs its tick until stopped; after a tick that found no work it sleeps `pollMs`, unless
 * woken earlier by a wake-up of its kind or by the stop. A tick that throws is logged and retried
 * after the sleep. A wake-up that finds no loop of its kind asleep (all mid-tick) is kept: that
 * kind's next sleep is skipped, so work announced during a tick isn't left for the next poll.
 */
export class WorkerLoops<Kind extends string> {
  private active = false;
  private loops: Promise<void>[] = [];
  private readonly sleepers = new Map<Kind, Set<() => void>>();
  private readonly missedWake = new Set<Kind>();

  constructor(
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {}

  get running(): boolean {
    return this.active;
  }

  start(specs: LoopSpec<Kind>[]): void {
    this.active = true;
    this.loops = specs.map((spec) => this.loop(spec));
  }

  /** Wakes every sleeper and waits for each loop's tick in flight to end. */
  async stop(): Promise<void> {
    this.active = false;
    for (const kind of this.sleepers.keys()) this.wake(kind);
    await Promise.all(this.loops);
    this.loops = [];
  }

  wake(kind: Kind): void {
    const sleepers = this.sleepers.get(kind);
    if (!sleepers?.size) this.missedWake.add(kind);
    for (const wake of [...(sleepers ?? [])]) wake();
  }

  /** Waits `ms`, or less when woken (by the stop, or by `wake(kind)`). */
  sleep(kind: Kind, ms: number): Promise<void> {
    if (ms <= 0 || this.missedWake.delete(kind)) return Promise.resolve();
    let sleepers = this.sleepers.get(kind);
    if (!sleepers) this.sleepers.set(kind, (sleepers = new Set()));
    const set = sleepers;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  private async loop({ name, kind, tick }: LoopSpec<Kind>): Promise<void> {
    while (this.active) {
      let worked = false;
      try {
        worked = await tick();
      } catch (error) {
        this.logger.error({ err: error, loop: name }, `${name} failed; retrying`);
      }
      if (!worked && this.active) await this.sleep(kind, this.pollMs);
    }
  }
}
