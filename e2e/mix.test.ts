import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { exitWhenDone, type Running, startEarshot } from '../apps/server/test/helpers';
import { instrument, LOUD, loudness } from './audio-probe';
import { artifacts, browserMissing, fakeMicArgs, launchBrowser, makeVoice, micStatus, signUp, until } from './browser';

/**
 * The room mix in the web app: a listener who picks "Data saver" listens with one audio section
 * (the mix) and hears the host through it; turning it off reconnects with a track per slot.
 */
describe('web app: listening to the room mix', { skip: browserMissing() }, () => {
  let server: Running;
  let browser: Browser;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'earshot-mix-'));
    server = await startEarshot();
    browser = await launchBrowser(fakeMicArgs(makeVoice(dir)));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  exitWhenDone();

  it('"Data saver" listens to one mixed stream and hears the host; off again, a track per slot', async () => {
    const host = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.addInitScript(instrument);
    const listener = await phone.newPage();
    const offers: number[] = [];
    listener.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/whep'))
        offers.push((r.postData() ?? '').split('\n').filter((l) => l.startsWith('m=audio')).length);
    });

    await signUp(host, server.url, 'mixhost', 'Mia Host');
    await host.goto(`${server.url}/spaces/new`);
    await host.getByLabel('Title').fill('One stream for all');
    await host.getByRole('radio', { name: /Everyone/ }).check();
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL((u) => /^\/spaces\/(?!new$)[^/]+$/.test(u.pathname));
    await host.locator('[data-testid="audio-bar"][data-mic-state="connected"]').waitFor({ timeout: 15_000 });
    await host.getByRole('button', { name: 'Unmute' }).click();
    await micStatus(host, "You're live");

    await listener.goto(host.url());
    const saver = listener.getByRole('checkbox', { name: 'Data saver' });
    await saver.waitFor();
    assert.equal(await saver.isChecked(), false);
    await saver.focus();
    await listener.keyboard.press('Space');
    assert.equal(await saver.isChecked(), true);
    await listener.getByText('One mixed stream: no volume per speaker.').waitFor();
    await listener.getByRole('button', { name: 'Listen', exact: true }).click();
    await listener.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor({ timeout: 15_000 });
    assert.deepEqual(offers, [1], 'one audio section: the mix');
    await until(
      'the listener hears the host through the mix',
      15_000,
      async () => (await loudness(listener, 1000)).rms > LOUD,
    );
    assert.equal(await listener.getByText('Speaker volume').count(), 0, 'no per-speaker volume on the mix');
    await listener.screenshot({ path: path.join(artifacts, 'mix-data-saver-phone.png'), fullPage: true });

    // Off again while listening: a new session with a track per stage slot, still hearing the host.
    await saver.click();
    await until('a per-slot session', 15_000, async () => offers.length === 2);
    assert.ok((offers[1] ?? 0) > 1, `a section per slot (${offers[1]})`);
    await listener.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor({ timeout: 15_000 });
    await until('the host on their own track', 15_000, async () => (await loudness(listener, 1000)).rms > LOUD);
    await listener.getByText('Speaker volume').waitFor();
    await listener.setViewportSize({ width: 1280, height: 860 });
    await listener.screenshot({ path: path.join(artifacts, 'mix-data-saver-off-desktop.png'), fullPage: true });
  });
});
