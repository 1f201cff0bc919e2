import { nodeHttpFetch } from './node-http-fetch';

/**
 * Time-outs for `@line/bot-sdk`. Its HTTP client calls the global `fetch` with no signal and
 * offers no timeout option (checked in 10.8). Its API methods reach `fetch` synchronously, before
 * their first `await`, so a thin wrapper around the global `fetch` picks up the signal that
 * withDeadline hands over for exactly that synchronous call: the request is then really aborted
 * (socket closed) at the deadline, and goes over node:http (see node-http-fetch.ts). Other fetches
 * pass through untouched. (An AsyncLocalStorage
 * scope would also survive an `await`, but in Node 20 it puts hooks on every promise of the
 * process, which cost the sending path more than the HTTP call itself.) The hand-over slot lives
 * on globalThis so that several copies of this module (e.g. jest's module registries) share one
 * wrapper.
 */
const SLOT_KEY = Symbol.for('lcm.line-client.fetch-deadline.slot');
const WRAPPED_KEY = Symbol.for('lcm.line-client.fetch-deadline.wrapped');

type GlobalWithSlot = typeof globalThis & { [SLOT_KEY]?: { signal: AbortSignal | null } };
type WrappedFetch = typeof fetch & { [WRAPPED_KEY]?: true };

function signalSlot(): { signal: AbortSignal | null } {
  const global = globalThis as GlobalWithSlot;
  global[SLOT_KEY] ??= { signal: null };
  return global[SLOT_KEY];
}

function ensureFetchWrapped(): void {
  const current = globalThis.fetch as WrappedFetch;
  if (current[WRAPPED_KEY]) return;
  const slot = signalSlot();
  const wrapped: WrappedFetch = (input, init) => {
    const signal = slot.signal;
    slot.signal = null; // one fetch per hand-over
    if (!signal || init?.signal) return current(input, init);
    return nodeHttpFetch(input, init ?? {}, signal) ?? current(input, { ...init, signal });
  };
  wrapped[WRAPPED_KEY] = true;
  globalThis.fetch = wrapped;
}

export class DeadlineExceeded extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Runs `operation` with a deadline. Fetches it makes are aborted at the deadline; and should one
 * escape the signal (someone replaced the global fetch after us), the caller still gets
 * DeadlineExceeded on time.
 */
export async function withDeadline<T>(timeoutMs: number, operation: () => Promise<T>): Promise<T> {
  ensureFetchWrapped();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineExceeded(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const slot = signalSlot();
  slot.signal = controller.signal;
  let running: Promise<T>;
  try {
    running = operation();
  } catch (error) {
    clearTimeout(timer);
    throw error;
  } finally {
    slot.signal = null;
  }
  running.catch(() => undefined); // its failure after the deadline is no longer anyone's concern
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
