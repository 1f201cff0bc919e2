import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';

export interface SandboxHandle {
  url: string;
  accountId: string;
  close(): Promise<void>;
}

// Filled in when the simulator lands (see apps/line-simulator).
export async function startSandbox(_app: INestApplication, _config: AppConfig): Promise<SandboxHandle> {
  throw new Error('the LINE simulator is not available yet');
}
