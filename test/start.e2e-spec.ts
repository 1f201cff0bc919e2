import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { repoRoot } from '@lcm/database';

/**
 * `npm start` with nothing configured: the compiled service starts an embedded PostgreSQL under
 * DATA_DIR, the LINE simulator and a sandbox account, prints what a user needs, and Ctrl-C stops it all.
 */
interface Started {
  child: ChildProcess;
  output: () => string;
  apiUrl: string;
  token: string;
}

const root = repoRoot();

function start(dataDir: string): Promise<Started> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir,
    PORT: '0',
    LINE_SIMULATOR_PORT: '0',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.ADMIN_TOKEN;
  const child = spawn(process.execPath, [path.join(root, 'dist/apps/api/src/main.js')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 60 s:\n${output}`)), 60_000);
    const check = setInterval(() => {
      const api = /API\s+(http:\/\/\S+)\/api\/v1/.exec(output);
      const token = /Admin token (lcm_\S+)/.exec(output);
      if (api && token) {
        clearInterval(check);
        clearTimeout(timer);
        resolve({ child, output: () => output, apiUrl: api[1], token: token[1] });
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
}

/** Ctrl-C; resolves with the exit code, and shows what the service printed when it isn't 0. */
function stop(started: Started): Promise<number | null> {
  return new Promise((resolve) => {
    started.child.once('exit', (code) => {
      if (code !== 0) console.error(`exit ${code}; the service printed:\n${started.output()}`);
      resolve(code);
    });
    started.child.kill('SIGINT');
  });
}

function postgresRunningIn(dataDir: string): boolean {
  try {
    return execFileSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false; // pgrep exits 1 when nothing matches
  }
}

describe('npm start on the embedded default', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lcm-start-'));
  fs.chmodSync(dataDir, 0o755);

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('serves health, docs and the API with the printed admin token, stops cleanly, and reuses its data', async () => {
    const first = await start(dataDir);
    let accountId: string;
    try {
      expect(first.output()).toMatch(/Docs\s+http:\/\/\S+\/api\/docs/);
      await request(first.apiUrl).get('/health').expect(200);
      await request(first.apiUrl).get('/api/docs-json').expect(200);
      const me = await request(first.apiUrl)
        .get('/api/v1/me')
        .set('Authorization', `Bearer ${first.token}`)
        .expect(200);
      expect(me.body.role).toBe('admin');
      const accounts = await request(first.apiUrl)
        .get('/api/v1/line-accounts')
        .set('Authorization', `Bearer ${first.token}`)
        .expect(200);
      const sandbox = accounts.body.items.find((a: { isSandbox: boolean }) => a.isSandbox);
      expect(sandbox).toMatchObject({ plan: 'high', apiBaseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
      accountId = sandbox.id;
      await request(sandbox.apiBaseUrl).get('/_sim/health').expect(200);
    } finally {
      expect(await stop(first)).toBe(0);
    }
    expect(postgresRunningIn(dataDir)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

    const second = await start(dataDir);
    try {
      expect(second.token).toBe(first.token);
      expect(second.output()).toContain('0 applied');
      const accounts = await request(second.apiUrl)
        .get('/api/v1/line-accounts')
        .set('Authorization', `Bearer ${second.token}`)
        .expect(200);
      expect(accounts.body.items.map((a: { id: string }) => a.id)).toEqual([accountId!]);
    } finally {
      expect(await stop(second)).toBe(0);
    }
    expect(postgresRunningIn(dataDir)).toBe(false);
  });

  it('stops with one line naming a misconfigured variable', () => {
    const result = (() => {
      try {
        execFileSync(process.execPath, [path.join(root, 'dist/apps/api/src/main.js')], {
          cwd: root,
          env: { ...process.env, PORT: 'eighty' },
          encoding: 'utf8',
          stdio: 'pipe',
        });
        return null;
      } catch (error) {
        return error as { status: number; stderr: string };
      }
    })();
    expect(result?.status).toBe(1);
    expect(result?.stderr.trim()).toBe(
      'configuration error: PORT must be a whole number from 0 to 65535 (got "eighty")',
    );
  });
});
