import { inspect } from 'node:util';

/** What a pino destination needs: one JSON line per write. */
export interface LineSink {
  write(line: string): void;
}

const LEVELS: Record<number, { name: string; color: number }> = {
  10: { name: 'TRACE', color: 90 },
  20: { name: 'DEBUG', color: 36 },
  30: { name: 'INFO', color: 32 },
  40: { name: 'WARN', color: 33 },
  50: { name: 'ERROR', color: 31 },
  60: { name: 'FATAL', color: 35 },
};

/** Nest's start-up inventory (one line per module and route): noise in a terminal, kept in JSON logs. */
const START_UP_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/** Fields every line has, or that the line's head already shows. */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'context', 'msg', 'req', 'res', 'responseTime', 'err']);

/**
 * A terminal's log format: `12:00:01 INFO  [Context] message key=value`, one line each, errors with
 * their stack. Written to stdout in order with console.log, so the launcher's banner stays last.
 */
export class ReadableLogStream implements LineSink {
  constructor(
    private readonly out: { write(text: string): unknown } = process.stdout,
    private readonly options: { color: boolean; startUpLines: boolean } = { color: true, startUpLines: false },
  ) {}

  write(line: string): void {
    const text = this.format(line);
    if (text !== null) this.out.write(`${text}\n`);
  }

  format(line: string): string | null {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return line.trimEnd();
    }
    const level = LEVELS[entry.level as number] ?? { name: String(entry.level), color: 0 };
    const context = typeof entry.context === 'string' ? entry.context : null;
    if (!this.options.startUpLines && (entry.level as number) <= 30 && context && START_UP_CONTEXTS.has(context))
      return null;
    const time = new Date(typeof entry.time === 'number' ? entry.time : Date.now()).toISOString().slice(11, 19);
    const parts = [this.paint(time, 90), this.paint(level.name.padEnd(5), level.color)];
    if (context) parts.push(this.paint(`[${context}]`, 90));
    parts.push(this.request(entry) ?? String(entry.msg ?? ''));
    const extras = Object.entries(entry)
      .filter(([key, value]) => !SHOWN.has(key) && value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    if (extras.length > 0) parts.push(this.paint(extras.join(' '), 90));
    let text = parts.join(' ');
    const err = entry.err as { message?: string; stack?: string } | undefined;
    if (err) text += `\n  ${(err.stack ?? err.message ?? inspect(err)).replace(/\n/g, '\n  ')}`;
    return text;
  }

  /** pino-http's lines: `GET /api/v1/me 200 3ms`. */
  private request(entry: Record<string, unknown>): string | null {
    const req = entry.req as { method?: string; url?: string } | undefined;
    const res = entry.res as { statusCode?: number } | undefined;
    if (!req?.method || !res) return null;
    const took = typeof entry.responseTime === 'number' ? ` ${entry.responseTime}ms` : '';
    return `${req.method} ${req.url ?? ''} ${res.statusCode ?? ''}${took}`;
  }

  private paint(text: string, color: number): string {
    return this.options.color && color ? `\u001b[${color}m${text}\u001b[0m` : text;
  }
}
