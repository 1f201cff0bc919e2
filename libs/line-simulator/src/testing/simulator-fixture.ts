import request from 'supertest';
import { startLineSimulator, LineSimulatorHandle, LineSimulatorOptions } from '../server';

/** Test support: a simulator on a free port, and small helpers to drive it over HTTP. */
export async function startTestSimulator(options: Partial<LineSimulatorOptions> = {}): Promise<LineSimulatorHandle> {
  return startLineSimulator({ port: 0, seed: 'test', ...options });
}

/** A valid, readable user id: `U` + n in 32 hex digits. */
export function userId(n: number): string {
  return 'U' + n.toString(16).padStart(32, '0');
}

export function userIds(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => userId(from + i));
}

export const TOKEN = 'test-access-token';

export function bearer(token = TOKEN): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

export async function createChannel(
  sim: LineSimulatorHandle,
  channelId: string,
  body: Record<string, unknown>,
): Promise<void> {
  const response = await request(sim.url).put(`/_sim/channels/${channelId}`).send(body);
  if (response.status !== 201 && response.status !== 200)
    throw new Error(`channel setup failed: ${response.status} ${JSON.stringify(response.body)}`);
}

export const hello = [{ type: 'text', text: 'Hello' }];
