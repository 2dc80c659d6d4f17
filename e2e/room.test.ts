import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { mediaRoom } from '../apps/server/test/helpers';
import { instrument, LOUD, loudness } from './audio-probe';
import { artifacts, browserMissing, micStatus, signUp, until, useServerAndBrowser } from './browser';

/**
 * The room that never drops you: one audio session for the whole app (pages change, the sound and
 * the microphone stay), the host's Leave, a Space whose hosts are gone ending by itself, keyboard
 * menus, signing in from a Space, one microphone across tabs.
 */

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

/** The accessible name of the element that has focus, with its role. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      role: el?.getAttribute('role') ?? '',
      text: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim(),
    };
  });

async function startSpace(host: Page, base: string, title: string) {
  await host.goto(`${base}/spaces/new`);
  await host.getByLabel('Title').fill(title);
  await host.getByRole('radio', { name: /Everyone/ }).check();
  await host.getByRole('button', { name: 'Start now' }).click();
  await host.waitForURL((u) => /^\/spaces\/(?!new$)[^/]+$/.test(u.pathname));
  await host.locator('[data-testid="audio-bar"][data-mic-state="connected"]').waitFor({ timeout: 20_000 });
  return { url: host.url(), id: new URL(host.url()).pathname.split('/').pop() ?? '' };
}

describe('web app: the room that never drops you', { skip: browserMissing() }, () => {
  // A short absence window (6 s) so that a host who drops ends the Space within the test.
  const env = useServerAndBrowser({
    voice: true,
    env: { HOST_ABSENT_END_MINUTES: '0.1', JOBS_POLL_MS: '200', PRESENCE_GRACE_MS: '500' },
  });
  const page = async (options: BrowserContextOptions) => {
    const p = await env.newPage(options);
    await p.context().addInitScript(instrument);
    return p;
  };
  const user = async (handle: string) =>
    (
      await env.server.earshot.services.db
        .selectFrom('users')
        .select('id')
        .where('handle', '=', handle)
        .executeTakeFirstOrThrow()
    ).id;

  for (const [device, options] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`${device}: on stage, Home and a profile and back: the mic and the sound never drop`, async () => {
      const base = env.server.url;
      const host = await page(DESKTOP);
      const speaker = await page(options);
      const tag = device.slice(0, 2);
      await signUp(host, base, `rh${tag}`, `Host ${device}`);
      await signUp(speaker, base, `rs${tag}`, `Speaker ${device}`);
      const space = await startSpace(host, base, `Stay with me ${device}`);
      await host.getByRole('button', { name: 'Unmute' }).click();

      await speaker.goto(space.url);
      await speaker.getByRole('button', { name: 'Listen', exact: true }).click();
      await speaker.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor({ timeout: 20_000 });
      // Request to speak: focus goes to the next step, not to <body>.
      await speaker.getByRole('button', { name: 'Request to speak' }).click();
      await speaker.getByRole('button', { name: 'Cancel request' }).waitFor();
      await until(
        'focus moves to Cancel request',
        3000,
        async () => (await focused(speaker)).text === 'Cancel request',
      );
      await host.getByRole('button', { name: `Approve Speaker ${device}` }).click();
      await speaker.locator('[data-testid="audio-bar"][data-mic-state="connected"]').waitFor({ timeout: 20_000 });
      await until('focus moves to Unmute once approved', 3000, async () =>
        (await focused(speaker)).text.endsWith('Unmute'),
      );
      await speaker.getByTestId('mute-button').click();
      await micStatus(speaker, "You're live");
      await speaker.screenshot({ path: path.join(artifacts, `room-${device}-speaker.png`) });
      if (device === 'phone') {
        // The controls take at most about a quarter of the screen; the stage stays in view.
        const bar = await speaker.locator('.room-controls').boundingBox();
        assert.ok(bar && bar.height <= 844 * 0.27, `controls ${bar?.height} px high`);
      }

      // The server's view: which publish sessions the speaker has, sampled all along.
      const speakerId = await user(`rs${tag}`);
      const sessions = new Set<string>();
      let most = 0;
      const sample = setInterval(() => {
        const mine = mediaRoom(env.server, space.id)
          ?.publishers()
          .filter((p) => p.key === speakerId);
        for (const p of mine ?? []) sessions.add(p.peerId);
        most = Math.max(most, mine?.length ?? 0);
      }, 100);
      const hears = async (where: string) =>
        until(`the speaker hears the host on ${where}`, 15_000, async () => (await loudness(speaker, 800)).rms > LOUD);
      try {
        await hears('the room');
        // Home, from the tab bar (in-app navigation): the mini-player, the sound and the mic stay.
        await speaker.getByRole('link', { name: 'Home', exact: true }).click();
        await speaker.waitForURL(`${base}/`);
        const mini = speaker.getByRole('region', { name: 'Now playing' });
        await mini.waitFor();
        await mini.getByText(`Stay with me ${device}`).waitFor();
        await until('focus moves to the page heading', 3000, async () => (await focused(speaker)).tag === 'h1');
        await hears('Home');
        assert.equal(await speaker.getByTestId('mic-status').count(), 0, 'the room page is gone');
        await speaker.screenshot({ path: path.join(artifacts, `room-${device}-home-mini-player.png`) });
        // A profile (the host's own tile is not here: their profile through the mini-player's room, then back).
        await speaker.getByRole('link', { name: /^Your profile \(@/ }).click();
        await speaker.waitForURL(/\/u\//);
        await mini.waitFor();
        await hears('a profile');
        await speaker.screenshot({ path: path.join(artifacts, `room-${device}-profile-mini-player.png`) });
        // Mute from the mini-player, then back to the room by its title.
        await mini.getByRole('button', { name: 'Mute' }).click();
        await mini.getByRole('button', { name: 'Unmute' }).waitFor({ timeout: 5000 });
        await mini.getByRole('button', { name: 'Unmute' }).click();
        await mini.getByRole('link', { name: `Stay with me ${device}` }).click();
        await speaker.waitForURL(space.url);
        await micStatus(speaker, "You're live");
        await speaker.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor();
        await hears('the room again');
        // The host hears the speaker too: the mic was up the whole time.
        await until('the host hears the speaker', 15_000, async () => (await loudness(host, 800)).rms > LOUD);
      } finally {
        clearInterval(sample);
      }
      assert.equal(sessions.size, 1, `one publish session for the whole walk (saw ${[...sessions].join(', ')})`);
      assert.equal(most, 1);

      // A reload puts the listener back in the Space (listening, or one "Tap to listen").
      await speaker.goto(`${base}/`);
      const mini = speaker.getByRole('region', { name: 'Now playing' });
      await mini.waitFor({ timeout: 10_000 });
      await until('listening resumes after the reload, or asks for one tap', 15_000, async () => {
        const tap = await mini.getByRole('button', { name: 'Tap to listen' }).count();
        const status = (await mini.getByTestId('mini-status').textContent()) ?? '';
        return tap === 1 || /Listening|speaking/.test(status);
      });

      // The host's Leave asks first: a dialog, focus inside, Escape cancels back to the button.
      await host.getByRole('button', { name: 'Leave', exact: true }).click();
      const dialog = host.getByRole('dialog', { name: 'Leave this Space?' });
      await dialog.getByText('End the Space for everyone, or leave and let a co-host carry on?').waitFor();
      for (let i = 0; i < 5; i++) await host.keyboard.press('Tab');
      assert.equal(
        await host.evaluate(() => !!document.activeElement?.closest('dialog')),
        true,
        'focus stays in the dialog',
      );
      await host.screenshot({ path: path.join(artifacts, `room-${device}-leave-dialog.png`) });
      await host.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      assert.equal((await focused(host)).text, 'Leave');
      // This time the host ends it for everyone: the speaker, elsewhere, is told why.
      await host.getByRole('button', { name: 'Leave', exact: true }).click();
      await dialog.getByRole('button', { name: 'End for everyone' }).click();
      await host
        .getByTestId('ended-banner')
        .filter({ hasText: 'The host ended this Space' })
        .waitFor({ timeout: 10_000 });
      await speaker.getByRole('region', { name: 'Space ended' }).getByText('The host ended this Space.').waitFor({
        timeout: 10_000,
      });
    });
  }

  it('a host who drops: the Space ends after the absence window, and listeners see why', async () => {
    const base = env.server.url;
    const host = await page(DESKTOP);
    const fan = await page(PHONE);
    await signUp(host, base, 'rgone', 'Gone Host');
    await signUp(fan, base, 'rfan', 'Phone Fan');
    const space = await startSpace(host, base, 'Where did the host go');
    await fan.goto(space.url);
    await fan.getByRole('button', { name: 'Listen', exact: true }).click();
    // The host's Leave, "leave and let a co-host carry on" (there is none): the Space is still live…
    await host.getByRole('button', { name: 'Leave', exact: true }).click();
    await host.getByRole('dialog').getByRole('button', { name: 'Leave for now' }).click();
    await host.waitForURL(`${base}/`);
    assert.equal(await host.getByRole('region', { name: 'Now playing' }).count(), 0, 'the host left it all');
    await host.close(); // and the tab is gone
    const left = Date.now();
    assert.equal((await fetch(`${base}/api/spaces/${space.id}`).then((r) => r.json())).space.status, 'live');
    // …then ends by itself, and the listener reads why.
    const banner = fan.getByTestId('ended-banner');
    await banner.filter({ hasText: 'no host or co-host was connected' }).waitFor({ timeout: 30_000 });
    const after = Date.now() - left;
    // Hosts are marked every 1.5 s here: the host was last seen at most that long before leaving.
    assert.ok(after >= 6000 - 1500 - 200, `not before the window (${after} ms)`);
    console.log(`# the Space ended ${after} ms after its host left (window 6 s)`);
    await fan.screenshot({ path: path.join(artifacts, 'room-phone-ended-hosts-absent.png') });
  });

  it('keyboard only: a person menu opens, moves and removes a listener', async () => {
    const base = env.server.url;
    const host = await page(DESKTOP);
    const guest = await page(PHONE);
    await signUp(host, base, 'rkey', 'Key Host');
    await signUp(guest, base, 'rguest', 'Guest Person');
    const space = await startSpace(host, base, 'Keyboard room');
    await guest.goto(space.url);
    const chip = host.getByRole('button', { name: 'Options for Guest Person' });
    await chip.waitFor({ timeout: 10_000 });
    await chip.focus();
    await host.keyboard.press('Enter');
    const menu = host.getByRole('menu', { name: 'Options for Guest Person' });
    await menu.waitFor();
    const first = await focused(host);
    assert.equal(first.role, 'menuitem', 'focus moves into the menu');
    await host.keyboard.press('End');
    assert.equal((await focused(host)).text, 'Report');
    await host.keyboard.press('Home');
    assert.equal((await focused(host)).text, first.text);
    await host.keyboard.press('ArrowUp');
    assert.equal((await focused(host)).text, 'Report', 'arrows wrap');
    await host.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    assert.equal((await focused(host)).text, 'Options for Guest Person', 'Escape returns focus to the button');
    await host.keyboard.press('ArrowDown');
    await menu.waitFor();
    const toRemove = async () => {
      for (let i = 0; i < 10 && (await focused(host)).text !== 'Remove'; i++) await host.keyboard.press('ArrowDown');
      assert.equal((await focused(host)).text, 'Remove');
    };
    await toRemove();
    // Remove asks first, in the app's dialog: the safe choice has focus, Escape goes back to the person.
    await host.keyboard.press('Enter');
    const confirm = host.getByRole('dialog', { name: 'Remove Guest Person from this Space?' });
    await confirm.waitFor();
    assert.equal((await focused(host)).text, 'Cancel', 'focus moves to the safe choice');
    await host.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    assert.equal((await focused(host)).text, 'Options for Guest Person', 'Escape returns focus to the person');
    assert.equal(await guest.getByRole('heading', { name: 'You were removed from this Space' }).count(), 0);
    // Again, and this time Tab to Remove and confirm it with the keyboard.
    await host.keyboard.press('ArrowDown');
    await menu.waitFor();
    await toRemove();
    await host.keyboard.press('Enter');
    await confirm.waitFor();
    await host.keyboard.press('Tab');
    assert.equal((await focused(host)).text, 'Remove');
    await host.screenshot({ path: path.join(artifacts, 'room-desktop-remove-dialog.png') });
    await host.keyboard.press('Enter');
    await guest.getByRole('heading', { name: 'You were removed from this Space' }).waitFor({ timeout: 10_000 });
    // The listener is gone from the room, and with them the button that had focus: the room's heading takes it.
    await chip.waitFor({ state: 'detached', timeout: 10_000 });
    await until('focus moves to the heading once the person is gone', 3000, async () => {
      const now = await focused(host);
      return now.tag === 'h1' && now.text === 'Keyboard room';
    });
  });

  it('signing in from a Space comes back to it; ?next= only leads within the site', async () => {
    const base = env.server.url;
    const host = await page(DESKTOP);
    await signUp(host, base, 'rnext', 'Next Host');
    const space = await startSpace(host, base, 'Come back here');
    const visitor = await page(PHONE);
    const made = await fetch(`${base}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle: 'rvisit', displayName: 'Visitor', password: 'listen closely' }),
    });
    assert.equal(made.status, 201);
    await visitor.goto(space.url);
    await visitor.locator('.room-controls').getByRole('link', { name: 'Log in' }).click();
    await visitor.waitForURL(/\/login\?next=/);
    await visitor.getByLabel('Handle').fill('rvisit');
    await visitor.getByLabel('Password').fill('listen closely');
    await visitor.getByRole('button', { name: 'Log in' }).click();
    await visitor.waitForURL(space.url);
    await visitor.getByRole('heading', { name: 'Come back here' }).waitFor();
    // Another site, or a scheme-relative address: the profile, as without ?next=.
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      await visitor.goto(`${base}/login?next=${encodeURIComponent(next)}`);
      await visitor.waitForURL(/\/u\/rvisit$/);
    }
  });

  it('two tabs of one speaker: the newest takes the mic, exactly one publish session at a time, closing it hands the mic over', async () => {
    const base = env.server.url;
    const tab1 = await page(DESKTOP);
    await signUp(tab1, base, 'rtabs', 'Two Tabs');
    const space = await startSpace(tab1, base, 'Two tabs');
    const hostId = await user('rtabs');
    const count = () =>
      mediaRoom(env.server, space.id)
        ?.publishers()
        .filter((p) => p.key === hostId).length ?? 0;
    const tab2 = await tab1.context().newPage();
    // Each tab's audio bar states over time, for a failure to say what happened.
    await tab1.context().addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { micStates: string[] }).micStates = seen;
      const t0 = Date.now();
      new MutationObserver(() => {
        const state = document.querySelector('[data-testid="audio-bar"]')?.getAttribute('data-mic-state') ?? '-';
        if (seen.at(-1)?.endsWith(` ${state}`)) return;
        seen.push(`${Date.now() - t0}ms ${state}`);
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-mic-state'] });
    });
    await tab1.reload();
    await tab1.locator('[data-testid="audio-bar"][data-mic-state="connected"]').waitFor({ timeout: 20_000 });
    const connected = async (tab: Page, name: string) => {
      try {
        await tab.locator('[data-testid="audio-bar"][data-mic-state="connected"]').waitFor({ timeout: 20_000 });
      } catch (err) {
        // Tab 1 may be closed by then.
        const states = async (t: Page) =>
          (
            await t.evaluate(() => (window as unknown as { micStates: string[] }).micStates).catch(() => ['closed'])
          ).join(', ');
        await tab1.screenshot({ path: path.join(artifacts, 'two-tabs-failed-tab1.png') }).catch(() => {});
        await tab2.screenshot({ path: path.join(artifacts, 'two-tabs-failed-tab2.png') });
        throw new Error(
          `${name} never connected; tab 1: ${await states(tab1)}; tab 2: ${await states(tab2)}; publishers now: ${count()}`,
          { cause: err },
        );
      }
    };
    let most = 0;
    const sample = setInterval(() => {
      most = Math.max(most, count());
    }, 50);
    try {
      await tab2.goto(space.url);
      await connected(tab2, 'tab 2');
      await tab1.locator('[data-testid="audio-bar"][data-mic-state="elsewhere"]').waitFor({ timeout: 10_000 });
      await micStatus(tab1, "You're live in another tab", 30_000);
      await tab1.screenshot({ path: path.join(artifacts, 'room-desktop-live-in-another-tab.png') });
      // No fight: for the next 8 s it stays with tab 2.
      await new Promise((r) => setTimeout(r, 8000));
      assert.equal(count(), 1);
      assert.equal(await tab2.locator('[data-testid="audio-bar"][data-mic-state="connected"]').count(), 1);
      // "Use this tab" takes it back.
      await tab1.getByRole('button', { name: 'Use this tab' }).click();
      await connected(tab1, 'tab 1 after "Use this tab"');
      await tab2.locator('[data-testid="audio-bar"][data-mic-state="elsewhere"]').waitFor({ timeout: 10_000 });
      await until('one publish session', 5000, async () => count() === 1);
    } finally {
      clearInterval(sample);
    }
    assert.equal(most, 1, 'never two publish sessions at once');
    // Closing the tab with the mic hands it to the tab that let go, without a click.
    await tab1.close();
    await connected(tab2, 'tab 2 after tab 1 closed');
    await until('one publish session after the hand-over', 10_000, async () => count() === 1);
  });
});
