import { Writable } from 'node:stream';
import pinoHttp from 'pino-http';
import { HTTPFetchError } from '@line/bot-sdk';
import { DatabaseError } from 'pg';
import { Prisma } from '@lcm/database';
import { loggerOptions } from './logging';
import { safeError } from './safe-error';

const SECRET = 'chsec-0123456789abcdef';

/** The lines a logger built from the service's own options writes. */
function logLines(log: (logger: ReturnType<typeof pinoHttp>['logger']) => void): string {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const [options] = loggerOptions('trace', 'json', sink).pinoHttp as unknown as [object];
  log(pinoHttp(options, sink).logger);
  return lines.join('');
}

describe('safeError', () => {
  it('an ORM error: its code, never the call it quotes or its meta', () => {
    const error = new Prisma.PrismaClientKnownRequestError(`Invalid update: { channelSecret: "${SECRET}" }`, {
      code: 'P2002',
      clientVersion: '6',
      meta: { target: ['channel_id'], modelName: 'LineAccount', args: { channelSecret: SECRET } },
    });
    const safe = safeError(error);
    expect(safe).toMatchObject({
      type: 'PrismaClientKnownRequestError',
      code: 'P2002',
      where: { model: 'LineAccount' },
    });
    expect(JSON.stringify(safe)).not.toContain(SECRET);
  });

  it('a driver error: its SQLSTATE and names, never the message or the row in its detail', () => {
    const error = new DatabaseError(`invalid input "${SECRET}"`, 0, 'error');
    Object.assign(error, {
      code: '23514',
      severity: 'ERROR',
      detail: `Failing row contains (${SECRET})`,
      table: 'line_accounts',
    });
    const safe = safeError(error);
    expect(safe).toMatchObject({ sqlState: '23514', where: { table: 'line_accounts' } });
    expect(JSON.stringify(safe)).not.toContain(SECRET);
  });

  it('a LINE SDK error: its status, never its body or headers', () => {
    const error = new HTTPFetchError(`Unauthorized ${SECRET}`, {
      status: 401,
      statusText: 'Unauthorized',
      headers: new Headers({ 'x-token': SECRET }),
      body: `{"message":"${SECRET}"}`,
    });
    const safe = safeError(error);
    expect(safe).toMatchObject({ type: 'HTTPFetchError', status: 401 });
    expect(JSON.stringify(safe)).not.toContain(SECRET);
  });

  it('the logger applies it to errors under err, error or any key, and to nested causes', () => {
    const prismaError = new Prisma.PrismaClientValidationError(`data: { channelSecret: "${SECRET}" }`, {
      clientVersion: '6',
    });
    const output = logLines((logger) => {
      logger.error({ err: prismaError }, 'failed');
      logger.warn({ error: prismaError }, 'failed');
      logger.warn({ failure: prismaError }, 'failed');
      logger.warn({ err: new Error('wrapped', { cause: prismaError }) }, 'failed');
    });
    expect(output).not.toContain(SECRET);
    expect(output.match(/PrismaClientValidationError/g)?.length).toBe(4);
  });
});
