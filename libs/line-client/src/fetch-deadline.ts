import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Time-outs for `@line/bot-sdk`. Its HTTP client calls the global `fetch` with no signal and
 * offers no timeout option (checked in 10.8). So a call runs inside an AsyncLocalStorage scope that
 * holds an AbortSignal, and a thin wrapper around the global `fetch` adds that signal to fetches
 * made inside the scope: the request is then really aborted (socket closed) at the deadline.
 * Outside such a scope the wrapper passes calls through untouched. The store lives on globalThis
 * so that several copies of this module (e.g. jest's module registries) share one wrapper.
 */
const STORE_KEY = Symbol.for('lcm.line-client.fetch-deadline.store');
const WRAPPED_KEY = Symbol.for('lcm.line-client.fetch-deadline.wrapped');

type GlobalWithStore = typeof globalThis & { [STORE_KEY]?: AsyncLocalStorage<AbortSignal> };
type WrappedFetch = typeof fetch & { [WRAPPED_KEY]?: true };

function signalStore(): AsyncLocalStorage<AbortSignal> {
  const global = globalThis as GlobalWithStore;
  global[STORE_KEY] ??= new AsyncLocalStorage<AbortSignal>();
  return global[STORE_KEY];
}

function ensureFetchWrapped(): void {
  const current = globalThis.fetch as WrappedFetch;
  if (current[WRAPPED_KEY]) return;
  const store = signalStore();
  const wrapped: WrappedFetch = (input, init) => {
    const signal = store.getStore();
    if (!signal || init?.signal) return current(input, init);
    return current(input, { ...init, signal });
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
  const running = signalStore().run(controller.signal, operation);
  running.catch(() => undefined); // its failure after the deadline is no longer anyone's concern
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
