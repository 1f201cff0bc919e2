import { Logger } from '@nestjs/common';
import { WorkerLoops } from './worker-loops';

const HOUR = 3_600_000;

function quietLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return Object.assign(Object.create(Logger.prototype) as Logger, {
    errors,
    error: (_fields: unknown, message: string) => errors.push(message),
  });
}

describe('WorkerLoops', () => {
  it('a wake-up ends an idle sleep at once, and stop() ends every sleep and waits for the loops', async () => {
    const loops = new WorkerLoops<'work'>(quietLogger(), HOUR);
    let ticks = 0;
    loops.start([{ name: 'worker', kind: 'work', tick: async () => (ticks++, false) }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ticks).toBe(1); // now asleep for an hour
    loops.wake('work');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ticks).toBe(2);
    await loops.stop();
    expect(loops.running).toBe(false);
  });

  it('keeps a wake-up that found nobody asleep: the next sleep of that kind is skipped', async () => {
    const loops = new WorkerLoops<'work'>(quietLogger(), HOUR);
    loops.wake('work');
    const started = Date.now();
    await loops.sleep('work', HOUR);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('logs a tick that throws, sleeps, and runs it again', async () => {
    const logger = quietLogger();
    const loops = new WorkerLoops<'work'>(logger, 1);
    let ticks = 0;
    loops.start([
      {
        name: 'flaky worker',
        kind: 'work',
        tick: async () => {
          ticks++;
          if (ticks === 1) throw new Error('database gone');
          return false;
        },
      },
    ]);
    while (ticks < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await loops.stop();
    expect(logger.errors).toEqual(['flaky worker failed; retrying']);
  });
});
