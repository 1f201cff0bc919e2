import { Writable } from 'node:stream';
import pino from 'pino';
import type { Options } from 'pino-http';
import { loggerOptions, REDACTED_PATHS } from './logging';

describe('log redaction', () => {
  it('never writes tokens, channel secrets or Authorization headers', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.info(
      { req: { headers: { authorization: 'Bearer lcm_secret1', 'x-line-signature': 'sig-secret2' } } },
      'request',
    );
    logger.info(
      { account: { channelAccessToken: 'secret3', channelSecret: 'secret4' }, user: { token: 'secret5' } },
      'account',
    );
    logger.info({ body: { account: { channelSecret: 'secret6' } } }, 'nested');
    const output = lines.join('');
    for (const secret of ['lcm_secret1', 'sig-secret2', 'secret3', 'secret4', 'secret5', 'secret6'])
      expect(output).not.toContain(secret);
    expect(output.match(/\[redacted\]/g)?.length).toBe(6);
  });
});

describe('logged request URLs', () => {
  const url = (path: string) => {
    const options = loggerOptions('info', 'json').pinoHttp as Options;
    const serialize = options.serializers!.req as (req: { id: string; method: string; url: string }) => { url: string };
    return serialize({ id: '1', method: 'POST', url: path }).url;
  };

  it("carry no invite link's token (a credential until used) and no query string", () => {
    expect(url('/api/v1/auth/invites/Zm9vYmFyYmF6cXV4c2VjcmV0dG9rZW4/accept')).toBe(
      '/api/v1/auth/invites/[redacted]/accept',
    );
    expect(url('/api/v1/contacts?cursor=abc')).toBe('/api/v1/contacts');
  });
});
