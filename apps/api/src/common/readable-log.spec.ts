import pino from 'pino';
import { ReadableLogStream } from './readable-log';

function collect(): { lines: string[]; stream: ReadableLogStream } {
  const lines: string[] = [];
  const stream = new ReadableLogStream(
    { write: (text: string) => lines.push(text) },
    { color: false, startUpLines: false },
  );
  return { lines, stream };
}

describe('readable log lines (a terminal)', () => {
  it('prints time, level, context, message and extra fields on one line', () => {
    const { lines, stream } = collect();
    pino({}, stream).child({ context: 'DispatcherService' }).info({ workers: 4 }, 'dispatch started');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d INFO {2}\[DispatcherService\] dispatch started workers=4\n$/);
  });

  it("shows a request as method, path, status and time, and an error's stack under its line", () => {
    const { lines, stream } = collect();
    const logger = pino({}, stream);
    logger.info(
      { req: { method: 'GET', url: '/api/v1/me' }, res: { statusCode: 200 }, responseTime: 3 },
      'request completed',
    );
    logger.error({ err: new Error('boom') }, 'it failed');
    expect(lines[0]).toMatch(/INFO {2}GET \/api\/v1\/me 200 3ms\n$/);
    expect(lines[1]).toMatch(/ERROR it failed\n {2}Error: boom\n/);
  });

  it("leaves out Nest's start-up inventory but never a warning", () => {
    const { lines, stream } = collect();
    const logger = pino({}, stream);
    logger.info({ context: 'RouterExplorer' }, 'Mapped {/api/v1/me, GET} route');
    logger.info({ context: 'InstanceLoader' }, 'AppModule dependencies initialized');
    logger.warn({ context: 'RouterExplorer' }, 'Unsupported route path');
    expect(lines).toEqual([expect.stringMatching(/WARN {2}\[RouterExplorer\] Unsupported route path\n$/)]);
  });

  it('passes a line that is not JSON through as it is', () => {
    const { lines, stream } = collect();
    stream.write('plain text\n');
    expect(lines).toEqual(['plain text\n']);
  });
});
