import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  errors,
  type Page,
} from 'playwright-core';
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

/**
 * Starts an Earshot (with `options.env`) and a browser before a suite's tests and stops both after;
 * read them from the result. `voice`: the browser's fake microphone says a sentence (espeak-ng).
 * `newPage` opens a page in a context of its own (desktop size unless told), closed after the suite.
 */
export function useServerAndBrowser(options: { env?: Record<string, string>; voice?: boolean } = {}) {
  const contexts: BrowserContext[] = [];
  let dir: string | undefined;
  const env = {
    contexts,
    async newPage(context: BrowserContextOptions = {}) {
      const created = await env.browser.newContext({ viewport: { width: 1280, height: 860 }, ...context });
      contexts.push(created);
      const page = await created.newPage();
      page.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
      return page;
    },
  } as {
    server: Running;
    browser: Browser;
    contexts: BrowserContext[];
    newPage(o?: BrowserContextOptions): Promise<Page>;
  };
  before(async () => {
    env.server = await startEarshot(options.env);
    if (options.voice) dir = mkdtempSync(path.join(tmpdir(), 'earshot-voice-'));
    env.browser = await launchBrowser(dir ? fakeMicArgs(makeVoice(dir)) : []);
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await env.browser?.close();
    await env.server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
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

type Box = { top: number; bottom: number; left: number; right: number };
const overlap = (a: Box, b: Box) => a.top < b.bottom && b.top < a.bottom && a.left < b.right && b.left < a.right;

/**
 * In a room showing a toast and the stage-change note: neither covers the room's header (the LIVE
 * pill, the title), its controls or a phone's tab bar, nor each other.
 */
export async function assertFloatsClear(page: Page, what: string) {
  const floating = ['.toasts', '.room-activity'];
  const fixed = ['.live-badge', '.room-title', '.room-controls', '.tabs'];
  const boxes: Record<string, Box | null> = await page.evaluate(
    (selectors) =>
      Object.fromEntries(
        selectors.map((selector) => {
          const r = document.querySelector(selector)?.getBoundingClientRect();
          return [selector, r && r.height > 0 ? { top: r.top, bottom: r.bottom, left: r.left, right: r.right } : null];
        }),
      ),
    [...floating, ...fixed],
  );
  const seen = JSON.stringify(boxes);
  for (const f of floating) {
    const box = boxes[f];
    assert.ok(box, `${what}: ${f} on screen (${seen})`);
    for (const x of [...fixed, ...floating.filter((g) => g !== f)]) {
      const other = boxes[x];
      if (other) assert.ok(!overlap(box, other), `${what}: ${f} covers ${x} (${seen})`);
    }
  }
  for (const x of ['.live-badge', '.room-title', '.room-controls']) assert.ok(boxes[x], `${what}: ${x} on screen`);
}

/** The host's End Space, confirmed in the app's dialog. */
export async function endSpace(host: Page) {
  await host.getByRole('button', { name: 'End Space' }).click();
  await host
    .getByRole('dialog', { name: 'End this Space for everyone?' })
    .getByRole('button', { name: 'End Space' })
    .click();
}

/** Speech from espeak-ng when it is installed, else a voice-like buzz made here (both loop forever). */
export function makeVoice(dir: string): string {
  const file = path.join(dir, 'voice.wav');
  try {
    execFileSync('espeak-ng', [
      '-w',
      file,
      'Welcome to Earshot. This is the host speaking, testing the microphone, one two three four five.',
    ]);
    return file;
  } catch {
    // no espeak-ng: syllables of a 140 Hz buzz with harmonics, 48 kHz mono 16-bit
  }
  const rate = 48_000;
  const samples = rate * 6;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 3 * t)) ** 0.5;
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(2 * Math.PI * 140 * h * t * (1 + 0.03 * Math.sin(t))) / h;
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, 0.35 * syllable * v)) * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([header, data]));
  return file;
}

/** Chromium's fake microphone, playing `wav` in a loop, with no permission prompt. */
export const fakeMicArgs = (wav: string) => [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${wav}`,
];

/** Polls `check` until it is true or `ms` runs out (then fails with `what`). */
export async function until(what: string, ms: number, check: () => Promise<boolean>) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) assert.fail(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Waits for the audio bar's mic status to read `text`; on a timeout, fails with what the bar said
 * instead (status text and mic state), which a bare locator timeout does not tell. 10 s: a clean
 * CI run on a loaded machine once missed 5 s for a new speaker's "Unmute" in two tests at once.
 */
export async function micStatus(page: Page, text: string, ms = 10_000) {
  try {
    await page.getByTestId('mic-status').filter({ hasText: text }).waitFor({ timeout: ms });
  } catch (err) {
    if (!(err instanceof errors.TimeoutError)) throw err; // a closed page is not a mic status
    const bar = page.getByTestId('audio-bar');
    const shown = (await bar.count())
      ? `"${await bar.locator('[role="status"]').innerText()}", data-mic-state=${await bar.getAttribute('data-mic-state')}`
      : 'no audio bar';
    assert.fail(`mic status "${text}" not shown in ${ms} ms: the bar showed ${shown}`);
  }
}
