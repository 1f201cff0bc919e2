import { createHash } from 'node:crypto';

/**
 * A small deterministic PRNG (mulberry32): the same seed gives the same sequence, so a run with
 * fault injection can be repeated exactly.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hashToUint32(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `rate` (0 never, 1 always). */
  chance(rate: number): boolean {
    if (rate <= 0) return false;
    if (rate >= 1) return true;
    return this.next() < rate;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }
}

export function hashToUint32(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** A user id that is always the same for the same channel, namespace and index: `U` + 32 hex digits. */
export function deterministicUserId(channelId: string, index: number, namespace = 'follower'): string {
  return 'U' + createHash('md5').update(`${channelId}:${namespace}:${index}`).digest('hex');
}
