import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createEarshot } from '../apps/server/src/app';
import { loadConfig } from '../apps/server/src/config';
import { exitWhenDone, type Running, startEarshot, testEnv } from '../apps/server/test/helpers';
import { instrument, LOUD, loudness } from './audio-probe';
import { artifacts, browserMissing, fakeMicArgs, launchBrowser, makeVoice, signUp, until } from './browser';

/**
 * The server restarts (a deploy): the web app says it is reconnecting while the server is down,
 * never "Listening", and is back (the room's socket, the listener's audio, the host's
 * microphone) within 5 s of the server answering again.
 */

/** Milliseconds until `check` holds, polling every 50 ms; fails after `ms`. */
async function timeUntil(what: string, ms: number, check: () => Promise<boolean>) {
  const start = Date.now();
  await until(what, ms, check);
  return Date.now() - start;
}

const state = (page: Page) =>
  page.evaluate(() => {
    const bar = document.querySelector<HTMLElement>('[data-testid="audio-bar"]');
    return {
      listen: bar?.dataset.listenState ?? '',
      mic: bar?.dataset.micState ?? '',
      pill: document.querySelector('[data-testid="listen-status"]')?.textContent ?? '',
      banner: document.querySelector('.room-banner-region')?.textContent ?? '',
    };
  });

describe('web app: back within seconds of a restarted server', { skip: browserMissing() }, () => {
  let first: Running;
  let second: Awaited<ReturnType<typeof createEarshot>> | undefined;
  let browser: Browser;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'earshot-restart-'));
    first = await startEarshot({ DATA_DIR: dir, RECORDINGS_DIR: path.join(dir, 'recordings') }, { dataDir: dir });
    browser = await launchBrowser(fakeMicArgs(makeVoice(dir)));
  });
  after(async () => {
    await browser?.close();
    await second?.close();
    await first?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  exitWhenDone();

  it('socket, listening and microphone come back within 5 s; "Listening" is never claimed while it is down', async () => {
    const base = first.url;
    const port = Number(new URL(base).port);
    const hostContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const phoneContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await hostContext.addInitScript(instrument);
    await phoneContext.addInitScript(instrument);
    const host = await hostContext.newPage();
    const listener = await phoneContext.newPage();
    await signUp(host, base, 'rshost', 'Restart Host');
    await signUp(listener, base, 'rsfan', 'Restart Fan');
    await host.goto(`${base}/spaces/new`);
    await host.getByLabel('Title').fill('Through the restart');
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL((u) => /^\/spaces\/(?!new$)[^/]+$/.test(u.pathname));
    await host
      .locator('[data-testid="audio-bar"][data-mic-state="connected"]')
      .waitFor({ timeout: 20_000 })
      .catch(async (e) => {
        await host.screenshot({ path: path.join(artifacts, 'reconnect-debug.png') });
        console.log(`# ${JSON.stringify(await state(host))}`);
        throw e;
      });
    await host.getByRole('button', { name: 'Unmute' }).click();
    await listener.goto(host.url());
    await listener.getByRole('button', { name: 'Listen', exact: true }).click();
    await listener.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor({ timeout: 20_000 });
    await until('the listener hears the host', 15_000, async () => (await loudness(listener, 800)).rms > LOUD);

    // Down: the pill stops saying "Listening" at once (the room's socket is gone).
    await first.earshot.close();
    const down = await timeUntil('the listener is told it is reconnecting', 5000, async () => {
      const s = await state(listener);
      return !s.pill.includes('Listening') && s.banner.includes('Reconnecting');
    });
    await listener.screenshot({ path: path.join(artifacts, 'reconnect-phone-server-down.png') });
    const claims: string[] = [];
    const watch = setInterval(() => {
      void state(listener)
        .then((s) => {
          if (s.pill.includes('Listening')) claims.push(s.pill);
        })
        .catch(() => {});
    }, 200);
    await new Promise((r) => setTimeout(r, 4000));
    clearInterval(watch);
    assert.deepEqual(claims, [], 'never "Listening" while the server is down');

    // Up again on the same port, same database: time from the server answering.
    const { env } = await testEnv({
      DATA_DIR: dir,
      RECORDINGS_DIR: path.join(dir, 'recordings'),
      ...(first.config.DATABASE_URL && { DATABASE_URL: first.config.DATABASE_URL }),
      ...(first.config.REDIS_PREFIX && { REDIS_PREFIX: first.config.REDIS_PREFIX }),
    });
    second = await createEarshot(loadConfig(env), { dataDir: dir });
    await second.app.listen({ port, host: '127.0.0.1' });
    const healthy = Date.now();
    await until('the listener is back: socket open, audio connected', 15_000, async () => {
      const s = await state(listener);
      return s.listen === 'connected' && s.pill.includes('Listening') && !s.banner.includes('Reconnecting');
    });
    const listenerBack = Date.now() - healthy;
    await until('the host microphone is back', 15_000, async () => (await state(host)).mic === 'connected');
    const hostBack = Date.now() - healthy;
    await until('the listener hears the host again', 15_000, async () => (await loudness(listener, 800)).rms > LOUD);
    const heard = Date.now() - healthy;
    console.log(
      `# told within ${down} ms of the stop; back after the restart: listener ${listenerBack} ms, host mic ${hostBack} ms, sound heard ${heard} ms`,
    );
    assert.ok(listenerBack <= 5000, `listener back in ${listenerBack} ms`);
    assert.ok(hostBack <= 5000, `host microphone back in ${hostBack} ms`);
    await listener.screenshot({ path: path.join(artifacts, 'reconnect-phone-back.png') });
  });
});
