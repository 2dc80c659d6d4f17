import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { signUp as apiSignUp } from '../apps/server/test/helpers';
import { connected, publishTone, whip } from '../apps/server/test/media-bots';
import { instrument, LOUD, loudness } from './audio-probe';
import { artifacts, browserMissing, until, useServerAndBrowser } from './browser';

/** How loud the page's delayed-stream (HLS) element plays over `ms` (-1: none playing). */
const delayedLoudness = async (page: Page, ms: number) => (await loudness(page, ms, 'delayed')).rms;

/** Points every candidate of a WHEP answer at an unreachable address (TEST-NET-1): UDP "blocked". */
const unreachable = (sdp: string) =>
  sdp
    .replace(/^(a=candidate:\S+ \d+ \S+ \d+ )\S+( \d+)/gm, '$1192.0.2.1$2')
    .replace(/^c=IN IP4 \S+/gm, 'c=IN IP4 192.0.2.1');

/**
 * The big-audience fallback in Chromium: a speaker bot (libwebrtc) plays a tone on the stage; the
 * listener's WebRTC cannot reach the media address, so the room plays the LL-HLS stream (hls.js)
 * and says so; WebRTC keeps trying and takes over once it can; the tier can be picked by hand.
 */
describe('web app: the delayed (LL-HLS) stream', { skip: browserMissing() }, () => {
  const env = useServerAndBrowser();

  it('falls back to HLS when WebRTC cannot connect, hears the speaker, and returns to live audio once it can', async () => {
    const host = await apiSignUp(env.server.url, 'hlw');
    const id = (await host.c.post('/api/spaces', { title: 'Behind a firewall' })).body.space.id as string;
    assert.equal((await host.c.post(`/api/spaces/${id}/start`, {})).status, 200);
    await host.c.post(`/api/spaces/${id}/unmute`, { userId: host.user.id });
    const mic = await publishTone(whip(id, host.c), 440);
    await connected(mic.pc);

    const page = await env.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.context().addInitScript(instrument);
    let blocked = true;
    await page.route('**/whep', async (route) => {
      const response = await route.fetch();
      if (!blocked || response.status() !== 201) return route.fulfill({ response });
      return route.fulfill({ response, body: unreachable(await response.text()) });
    });
    await page.goto(`${env.server.url}/spaces/${id}`);
    await page.getByRole('button', { name: 'Listen', exact: true }).click();
    await page.locator('[data-testid="audio-bar"][data-listen-state="connecting"]').waitFor();

    // A few seconds without a connection: the delayed stream plays, and the room says so.
    await page.locator('[data-testid="audio-bar"][data-listen-state="delayed"]').waitFor({ timeout: 15_000 });
    const status = page.getByTestId('hls-tier').getByRole('status');
    await status.filter({ hasText: /Listening with a delay \(about \d+ s\)/ }).waitFor({ timeout: 20_000 });
    await page.getByText('Live audio could not connect; still trying.').waitFor();
    let rms = 0;
    await until('the listener hears the speaker over HLS', 20_000, async () => {
      rms = await delayedLoudness(page, 1000);
      return rms > LOUD;
    });
    const delay = Number(/about (\d+) s/.exec((await status.textContent()) ?? '')?.[1]);
    assert.ok(delay >= 1 && delay <= 10, `about ${delay} s behind`);
    console.log(`# the delayed stream plays about ${delay} s behind`);
    await page.screenshot({ path: path.join(artifacts, 'hls-fallback-phone.png') });

    // The network lets UDP through again: WebRTC, still retrying, connects and takes over.
    blocked = false;
    await page.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor({ timeout: 45_000 });
    assert.equal(await page.getByTestId('hls-tier').count(), 0, 'the delayed stream stopped');
    assert.equal(await delayedLoudness(page, 100), -1, 'its element is paused');

    // The listener picks the delayed stream by hand, then goes back to live audio.
    await page.getByRole('button', { name: 'Use the delayed stream' }).click();
    await page.locator('[data-testid="audio-bar"][data-listen-state="delayed"]').waitFor({ timeout: 10_000 });
    await until('the chosen HLS tier plays', 20_000, async () => (await delayedLoudness(page, 1000)) > LOUD);
    const back = page.getByRole('button', { name: 'Switch to live audio' });
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.screenshot({ path: path.join(artifacts, 'hls-chosen-desktop.png') });
    await back.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor({ timeout: 15_000 });
    mic.close();
  });
});
