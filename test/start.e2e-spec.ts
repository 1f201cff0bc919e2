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
  /** The banner's console logins by role: `email / password`. */
  logins: Record<'admin' | 'marketer' | 'approver', string>;
}

const root = repoRoot();

function start(dataDir: string): Promise<Started> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir,
    PORT: '0',
    LINE_SIMULATOR_PORT: '0',
    LOG_LEVEL: 'info',
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
      // Not a terminal: every line is JSON, the banner one of them.
      const banner = output
        .split('\n')
        .filter((line) => line.includes('"msg":"ready"'))
        .map(
          (line) =>
            JSON.parse(line) as {
              api: string;
              adminToken: string;
              adminLogin: string;
              marketerLogin: string;
              approverLogin: string;
            },
        )[0];
      if (banner) {
        clearInterval(check);
        clearTimeout(timer);
        resolve({
          child,
          output: () => output,
          apiUrl: banner.api.replace(/\/api\/v1$/, ''),
          token: banner.adminToken,
          logins: { admin: banner.adminLogin, marketer: banner.marketerLogin, approver: banner.approverLogin },
        });
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
      const lines = first.output().trimEnd().split('\n');
      const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; docs?: string });
      expect(entries.filter((entry) => entry.level >= 40)).toEqual([]); // a clean start warns of nothing
      expect(entries[entries.length - 1]).toMatchObject({ msg: 'ready', docs: expect.stringMatching(/\/api\/docs$/) });
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

      // A ready console login per role, so the four-eyes workflow can be shown in the browser.
      for (const role of ['admin', 'marketer', 'approver'] as const) {
        const [email, password] = first.logins[role].split(' / ');
        expect(email).toBe(`${role}@localhost`);
        const session = await request(first.apiUrl).post('/api/v1/auth/login').send({ email, password }).expect(200);
        expect(session.body.user).toMatchObject({ email, role });
      }
    } finally {
      expect(await stop(first)).toBe(0);
    }
    expect(postgresRunningIn(dataDir)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

    const second = await start(dataDir);
    try {
      expect(second.token).toBe(first.token);
      expect(second.logins).toEqual(first.logins);
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

  it('npm start hands its shell to node, so Ctrl-C and SIGTERM reach the service and npm exits with it', () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
    ).scripts;
    // Without exec, sh stays between npm and node: npm exits on SIGTERM and leaves node running.
    expect(scripts.start).toMatch(/&& exec node /);
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
