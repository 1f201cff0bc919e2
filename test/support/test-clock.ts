import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Clock, ClockFileContent } from '../../apps/api/src/common/clock';

/**
 * A clock the test moves. Pass it to `createTestApp(env, undefined, { clock })` for an app in this
 * process, and `clock.env()` to `startServiceProcess` for a service in another one (it reads the
 * same instant through CLOCK_FILE). Time runs on at the normal pace from the instant set, unless
 * frozen, so timers, leases and back-offs keep working while the test jumps days ahead.
 */
export class TestClock extends Clock {
  private at: number;
  private setAtMs: number;
  private frozen: boolean;
  readonly file: string;

  constructor(start: Date | string = new Date(), options: { frozen?: boolean } = {}) {
    super();
    this.at = new Date(start).getTime();
    this.setAtMs = Date.now();
    this.frozen = options.frozen ?? false;
    this.file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lcm-clock-')), 'clock.json');
    this.write();
  }

  override now(): Date {
    return new Date(this.at + (this.frozen ? 0 : Date.now() - this.setAtMs));
  }

  /** Jumps to an instant (time runs on from there unless frozen). */
  set(instant: Date | string): void {
    this.at = new Date(instant).getTime();
    this.setAtMs = Date.now();
    this.write();
  }

  advance(ms: number): void {
    this.set(new Date(this.now().getTime() + ms));
  }

  freeze(): void {
    this.set(this.now());
    this.frozen = true;
    this.write();
  }

  resume(): void {
    this.frozen = false;
    this.set(new Date(this.at));
  }

  /** The environment that makes a service process read this clock. */
  env(): Record<string, string> {
    return { CLOCK_FILE: this.file };
  }

  private write(): void {
    const content: ClockFileContent = {
      at: new Date(this.at).toISOString(),
      setAtMs: this.setAtMs,
      frozen: this.frozen,
    };
    // Written whole and renamed, so a reader never sees half a file.
    fs.writeFileSync(`${this.file}.tmp`, JSON.stringify(content));
    fs.renameSync(`${this.file}.tmp`, this.file);
  }
}
