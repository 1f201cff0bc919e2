import { parseArgs } from 'node:util';
import { startLineSimulator } from '@lcm/line-simulator';

/**
 * `node dist/apps/line-simulator/src/main.js --port 4500 [--host 127.0.0.1] [--seed 42]
 *   [--time-zone Asia/Taipei] [--channel <channelId>:<accessToken>[:<channelSecret>]]...`
 * Channels can also be created later through the control API (see README.md).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4500' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string' },
      'time-zone': { type: 'string' },
      'retry-after': { type: 'boolean', default: false },
      channel: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: main.js --port 4500 [--host 127.0.0.1] [--seed S] [--time-zone Asia/Taipei] [--retry-after] [--channel id:token[:secret]]...',
    );
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got ${values.port}`);

  const channels: Record<string, { accessToken: string; channelSecret?: string }> = {};
  for (const spec of values.channel ?? []) {
    const [channelId, accessToken, channelSecret] = spec.split(':');
    if (!channelId || !accessToken)
      throw new Error(`--channel must be <channelId>:<accessToken>[:<channelSecret>], got ${spec}`);
    channels[channelId] = { accessToken, ...(channelSecret ? { channelSecret } : {}) };
  }

  const simulator = await startLineSimulator({
    port,
    host: values.host,
    seed: values.seed,
    timeZone: values['time-zone'],
    retryAfterHeader: values['retry-after'],
    channels,
  });
  console.log(`LINE simulator listening on ${simulator.url} (control API under ${simulator.url}/_sim/)`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void simulator.close().then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
