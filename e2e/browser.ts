import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

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
