import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@lcm/database';

/** The compiled service (`dist/`, built by the e2e global setup) as a real process of its own. */
export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | string | null>;
}

export function startServiceProcess(env: Record<string, string>): ServiceProcess {
  const root = repoRoot();
  const child = spawn(process.execPath, [path.join(root, 'dist/apps/api/src/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      LINE_SIMULATOR: 'off',
      LOG_LEVEL: 'warn',
      QUOTA_SYNC_INTERVAL_SECONDS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return { child, output: () => output, exited };
}
