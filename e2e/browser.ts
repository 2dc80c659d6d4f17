import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { exitWhenDone, type Running, startEarshot } from '../apps/server/test/helpers';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const artifacts = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');

/**
 * Why browser tests cannot run here, or false when they can. CI sets REQUIRE_BROWSER=1 so that a
 * missing Chromium fails the run instead of skipping.
 */
export function browserMissing(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.REQUIRE_BROWSER)
    throw new Error(`REQUIRE_BROWSER is set but ${CHROMIUM} does not exist (apt-get install chromium)`);
  return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
}

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** Starts an Earshot and a browser before a suite's tests and stops both after; read them from the result. */
export function useServerAndBrowser() {
  const env = {} as { server: Running; browser: Browser };
  before(async () => {
    env.server = await startEarshot();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  exitWhenDone();
  return env;
}

/** Signs a new person up through the web app's form. */
export async function signUp(page: Page, base: string, handle: string, name: string) {
  await page.goto(`${base}/signup`);
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Password').fill('listen closely');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/signup'));
}
