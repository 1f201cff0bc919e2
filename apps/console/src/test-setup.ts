// jsdom lacks what antd measures with; the component tests only need these to exist.
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { initI18n } from './i18n';

afterEach(() => cleanup());
initI18n('en');

if (!window.matchMedia)
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;
if (!globalThis.ResizeObserver)
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
// A browser resolves the client's same-origin paths ("/api/v1/…") against the page; Node's Request doesn't.
const NodeRequest = globalThis.Request;
globalThis.Request = class extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === 'string' ? new URL(input, window.location.href) : input, init);
  }
};
