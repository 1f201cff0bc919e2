// What the browser tests of the console share: the built console, Chromium, axe-core, screenshots.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '..', '..');
const CONSOLE = path.join(ROOT, 'apps', 'console');
export const SHOTS = path.join(ROOT, 'test-output', 'screenshots');

export const haveBrowser = existsSync(CHROMIUM);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The built console the service will serve: apps/console/dist when it is newer than its sources,
 * else a build of this file's own in test-output/console-dist-<name> (never over dist/, which
 * `npm start` in another test may be writing, nor over another browser test's build).
 */
export function builtConsole(name: string): string {
  const dist = path.join(CONSOLE, 'dist');
  const index = path.join(dist, 'index.html');
  const sources = Math.max(newestMtime(path.join(CONSOLE, 'src')), statSync(path.join(CONSOLE, 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return dist;
  const own = path.join(ROOT, 'test-output', `console-dist-${name}`);
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'apps/console/vite.config.mts',
      '--outDir',
      own,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    // Jest runs with NODE_ENV=test, which Vite would honour with a development build (antd's
    // ids then collapse to "test-id", and dialogs lose their names): build as `npm start` does.
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
  );
  return own;
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** No serious or critical accessibility violation on the page as it is now (animations that end, ended). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Judge the screen at rest: a button fading from disabled to primary (antd's 0.2 s transition)
  // has, for a moment, white text on a grey-green axe rightly calls too faint. Spinners loop for
  // ever, so only animations that end are waited for.
  await page.waitForFunction(
    "document.getAnimations().every((a) => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)",
  );
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
}

/**
 * Reads until the value is the expected one (or the time is up), then asserts on the last reading.
 * Given the page, a failure also names what the page said (its alerts and messages) and why the last
 * read failed, so a CI failure says more than "received ''".
 */
export async function settles(
  read: () => Promise<string>,
  expected: string | RegExp,
  timeout = 15_000,
  page?: Page,
): Promise<void> {
  const deadline = Date.now() + timeout;
  const ok = (v: string) => (typeof expected === 'string' ? v === expected : expected.test(v));
  let lastError: unknown = null;
  const attempt = () =>
    read().then(
      (v) => ((lastError = null), v),
      (error: unknown) => ((lastError = error), ''),
    );
  let value = await attempt();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await attempt();
  }
  if (!ok(value) && page) {
    const said = await page
      .locator('.ant-alert, .ant-message-notice')
      .allInnerTexts()
      .catch(() => []);
    const why = lastError instanceof Error ? lastError.message.split('\n')[0] : 'none';
    throw new Error(
      `expected ${String(expected)}, read ${JSON.stringify(value)} at ${page.url()}; last read error: ${why}; ` +
        `the page said: ${JSON.stringify(said)}`,
    );
  }
  if (typeof expected === 'string') expect(value).toBe(expected);
  else expect(value).toMatch(expected);
}

export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** A browser of that language, signed in through the form, looking at the given LINE account. */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  who: { locale: 'en-US' | 'zh-TW'; email: string; password: string; accountId: string },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: who.locale, viewport: { width: 1440, height: 900 } });
  await context.addInitScript(`localStorage.setItem('lcm.account', ${JSON.stringify(who.accountId)})`);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  const zh = who.locale === 'zh-TW';
  await page.getByLabel(zh ? '電子郵件' : 'Email').fill(who.email);
  await page.getByLabel(zh ? '密碼' : 'Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: zh ? '登入' : 'Sign in' }).click();
  await page
    .getByRole('navigation')
    .getByRole('link', { name: zh ? '本月' : 'Month' })
    .waitFor({ timeout: 60_000 }); // the first screen's chunks, on a machine other jobs share
  return { context, page };
}
