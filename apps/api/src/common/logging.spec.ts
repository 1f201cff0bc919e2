import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS } from './logging';

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
