import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { exitWhenDone, type Running, startEarshot } from '../apps/server/test/helpers';
import { instrument, LOUD, loudness } from './audio-probe';
import {
  artifacts,
  browserMissing,
  endSpace,
  fakeMicArgs,
  launchBrowser,
  makeVoice,
  micStatus,
  signUp,
  until,
} from './browser';

/**
 * Real audio through the real server: Chromium's fake microphone plays a WAV made here, the host
 * publishes it over WHIP, a listener on a phone hears it over WHEP, measured with an AnalyserNode.
 */

const SILENT = 0.002;

/** Nothing of this page's audio is left: every connection closed, nothing playing, every mic track stopped. */
async function audioLeft(page: Page) {
  return page.evaluate(() => {
    const w = window as unknown as {
      __pcs: RTCPeerConnection[];
      __played: HTMLMediaElement[];
      __mics: MediaStreamTrack[];
    };
    return {
      openConnections: w.__pcs.filter((p) => p.signalingState !== 'closed').length,
      playing: w.__played.filter((el) => !el.paused || el.srcObject !== null).length,
      liveMics: w.__mics.filter((t) => t.readyState !== 'ended').length,
    };
  });
}

describe('web app: hearing a Space', { skip: browserMissing() }, () => {
  let server: Running;
  let browser: Browser;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'earshot-audio-'));
    const voice = makeVoice(dir);
    server = await startEarshot();
    browser = await launchBrowser(fakeMicArgs(voice));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  exitWhenDone();

  it('a host speaks, a phone listener hears them, mute silences, the stage and leaving stop everything', async () => {
    const hostContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const phoneContext = await browser.newContext({
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
    });
    await hostContext.addInitScript(instrument);
    await phoneContext.addInitScript(instrument);
    const anonContext = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    await anonContext.addInitScript(instrument);
    const host = await hostContext.newPage();
    const listener = await phoneContext.newPage();
    const anon = await anonContext.newPage();
    const deleted: string[] = [];
    const listenSessions: string[] = [];
    listener.on('request', (r) => {
      if (r.method() === 'DELETE' && r.url().includes('/media/')) deleted.push(r.url());
    });
    listener.on('response', (r) => {
      const location = r.headers().location;
      if (r.request().method() === 'POST' && r.url().endsWith('/whep') && location) listenSessions.push(location);
    });

    await signUp(host, server.url, 'hana', 'Hana Host');
    await signUp(listener, server.url, 'leo', 'Leo Listener');

    // The host starts a Space; on stage, the microphone connects (muted, as every speaker starts).
    await host.goto(`${server.url}/spaces/new`);
    await host.getByLabel('Title').fill('Can you hear me now');
    await host.getByRole('radio', { name: /Everyone/ }).check();
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL((u) => /^\/spaces\/(?!new$)[^/]+$/.test(u.pathname));
    const room = host.url();
    await host.locator('[data-testid="audio-bar"][data-mic-state="connected"]').waitFor({ timeout: 15_000 });
    await micStatus(host, "You're muted", 30_000);

    // Unmuting goes live (and, being a tap, starts the host's own listening too).
    await host.getByRole('button', { name: 'Unmute' }).click();
    await micStatus(host, "You're live");

    // The listener opens the link on a phone: nothing plays before the tap on "Listen".
    await listener.goto(room);
    const listen = listener.getByRole('button', { name: 'Listen', exact: true });
    await listen.waitFor();
    assert.equal((await audioLeft(listener)).openConnections, 0, 'no audio connection before the tap');
    await listener.screenshot({ path: path.join(artifacts, 'audio-listener-phone-before.png') });
    await listen.focus();
    await listener.keyboard.press('Enter'); // keyboard works as well as a tap
    await listener.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor({ timeout: 15_000 });
    await listener.getByTestId('listen-status').filter({ hasText: 'Listening' }).waitFor();

    let heard = { rms: 0, packets: 0, connected: false };
    await until('the listener hears the host', 15_000, async () => {
      heard = await loudness(listener, 1000);
      return heard.rms > LOUD;
    });

    // Someone signed out hears the host too.
    await anon.goto(room);
    await anon.getByRole('button', { name: 'Listen', exact: true }).click();
    await until('the signed-out listener hears the host', 15_000, async () => (await loudness(anon, 1000)).rms > LOUD);

    // The server drops the listening session (as after a network drop): the app says so and comes back.
    const ended = await fetch(new URL(listenSessions[0] ?? '/nowhere', server.url), { method: 'DELETE' });
    assert.equal(ended.status, 204);
    // Chrome notices through failed consent checks (~8 s), then the app gives it 3 s to heal.
    // One wait for state and words together: a quick heal can end the reconnecting state between two waits.
    await listener
      .locator('[data-testid="audio-bar"][data-listen-state="reconnecting"] [data-testid="listen-status"]')
      .filter({ hasText: 'Reconnecting audio…' })
      .waitFor({ timeout: 20_000 });
    await listener.screenshot({ path: path.join(artifacts, 'audio-listener-phone-reconnecting.png') });
    await listener.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor({ timeout: 15_000 });
    assert.equal(listenSessions.length, 2, 'one new session');
    await until('the listener hears the host again', 10_000, async () => (await loudness(listener, 1000)).rms > LOUD);
    deleted.length = 0;

    // The host's ring lights for both, from the audio itself.
    const hostTile = (page: Page) =>
      page.locator('[data-testid="stage-member"][data-user-id]').filter({ hasText: 'Hana Host' });
    await hostTile(listener).and(listener.locator('[data-speaking="true"]')).waitFor({ timeout: 10_000 });
    await hostTile(host).and(host.locator('[data-speaking="true"]')).waitFor({ timeout: 10_000 });
    await listener.getByTestId('speaking-now').filter({ hasText: 'Hana Host is speaking' }).waitFor({ timeout: 5000 });
    await host.screenshot({ path: path.join(artifacts, 'audio-host.png') });
    await listener.screenshot({ path: path.join(artifacts, 'audio-listener-phone.png') });

    // A per-speaker volume slider, labelled by name.
    await listener.getByText('Speaker volume').click();
    const slider = listener.getByRole('slider', { name: 'Hana Host' });
    await slider.focus();
    await listener.keyboard.press('ArrowLeft');
    assert.equal(await slider.inputValue(), '95');
    await listener.screenshot({ path: path.join(artifacts, 'audio-listener-phone-volume.png'), fullPage: true });

    // The host mutes: silence for the listener, and the ring goes out.
    await host.getByTestId('mute-button').click();
    await micStatus(host, "You're muted");
    // Quiet while still connected (the server forwards nothing from a muted speaker).
    let quiet = { rms: 1, packets: 0, connected: false };
    await until('the listener hears silence after the mute', 10_000, async () => {
      quiet = await loudness(listener, 2000);
      return quiet.rms < SILENT && quiet.connected;
    });
    await hostTile(listener).and(listener.locator('[data-speaking="false"]')).waitFor({ timeout: 5000 });
    console.log(
      `# RMS heard ${heard.rms.toFixed(4)} (${heard.packets} packets), muted ${quiet.rms.toFixed(5)} (${quiet.packets} packets in 2 s)`,
    );

    // The host speaks again; the listener joins the stage: the microphone starts, what they hear is not interrupted.
    await host.getByTestId('mute-button').click();
    await until('the listener hears the host again', 10_000, async () => (await loudness(listener, 1000)).rms > LOUD);
    const before = await listener.evaluate(() =>
      (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((p) => p.connectionState),
    );
    await listener.getByRole('button', { name: 'Request to speak' }).click();
    await host.getByRole('button', { name: 'Approve Leo Listener' }).click();
    await listener.locator('[data-testid="audio-bar"][data-mic-state="connected"]').waitFor({ timeout: 15_000 });
    const pcs = await listener.evaluate(() =>
      (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((p) => p.connectionState),
    );
    assert.deepEqual(pcs, [...before, 'connected'], 'one new connection, for the microphone');
    assert.equal(pcs.at(-2), 'connected', 'the listening connection stayed up');
    await until(
      'the new speaker still hears the host',
      10_000,
      async () => (await loudness(listener, 1000)).rms > LOUD,
    );

    // A host mutes the new speaker, who is told so and whose microphone goes quiet.
    await listener.getByRole('button', { name: 'Unmute' }).click();
    await micStatus(listener, "You're live");
    await host.getByRole('button', { name: 'Options for Leo Listener' }).first().click();
    await host.getByRole('menuitem', { name: 'Mute' }).click();
    await micStatus(listener, 'A host muted you');
    assert.equal(
      await listener.evaluate(() =>
        (window as unknown as { __mics: MediaStreamTrack[] }).__mics.some((t) => t.readyState === 'live' && t.enabled),
      ),
      false,
      'the muted speaker sends no sound',
    );
    await listener.screenshot({ path: path.join(artifacts, 'audio-speaker-phone-muted.png') });

    // Leaving stops it all: no connection left open, nothing playing, the mic off, both sessions deleted.
    await listener.getByRole('button', { name: 'Leave', exact: true }).click();
    await listener.waitForURL(`${server.url}/`);
    await until('the listener page lets go of all audio', 5000, async () => {
      const left = await audioLeft(listener);
      return left.openConnections === 0 && left.playing === 0 && left.liveMics === 0;
    });
    await until('both of the listener’s sessions are deleted', 5000, async () => deleted.length >= 2);

    // The host ends the Space: the same for the host and for who still listens.
    await endSpace(host);
    await host.getByText('This Space has ended').waitFor({ timeout: 5000 });
    for (const [who, page] of [
      ['host', host],
      ['signed-out listener', anon],
    ] as const) {
      await until(`the ${who} page lets go of all audio when the Space ends`, 5000, async () => {
        const left = await audioLeft(page);
        return left.openConnections === 0 && left.playing === 0 && left.liveMics === 0;
      });
    }
    await anon.getByRole('button', { name: 'Listen', exact: true }).waitFor({ state: 'detached' });
    await hostContext.close();
    await phoneContext.close();
    await anonContext.close();
  });
});
