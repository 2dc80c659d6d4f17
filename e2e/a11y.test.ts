import assert from 'node:assert/strict';
import path from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { artifacts, browserMissing, micStatus, signUp, until, useServerAndBrowser } from './browser';

/**
 * Accessibility through axe-core on the pages people use most, each on a desktop and a phone:
 * no serious or critical violation of WCAG 2.1 A/AA. Focus never falls to <body> after a request
 * to speak, an approval onto the stage, or a page change.
 */

const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
type NodeResult = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number]['nodes'][number];

/** What has focus: its tag and accessible text (body when focus was lost). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? 'body',
      text: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim(),
    };
  });

/** Serious or critical violations found in the current test, asserted empty at its end by `clean`. */
const problems: string[] = [];

/**
 * Runs axe on `page` at both sizes (the layout changes only with the width, so one page serves
 * both) and keeps each serious or critical violation, naming the rule, its help and where. The
 * walk goes on, so that one run lists everything. "Accessible name matches the visible text"
 * (WCAG 2.5.3) is still experimental in axe and off by default: it is switched on here.
 */
async function audit(page: Page, name: string) {
  let lesser = 0;
  let review = 0;
  const summary = (n: NodeResult) => n.failureSummary?.replace(/\s+/g, ' ').slice(0, 240) ?? '';
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { violations, incomplete } = await new AxeBuilder({ page })
      .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
      .withTags(TAGS)
      .analyze();
    for (const v of violations) {
      const where = v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ');
      if (v.impact === 'serious' || v.impact === 'critical') {
        problems.push(
          `${name} ${size} ${v.impact} ${v.id}: ${v.help} (${v.nodes.length}×: ${where}; ${summary(v.nodes[0] as NodeResult)})`,
        );
      } else {
        lesser += v.nodes.length;
        console.log(`# ${name} ${size}: ${v.impact} ${v.id} (${v.nodes.length}×: ${where}) ${v.help}`);
      }
    }
    // What axe could not decide (text on a gradient, under a sticky bar): listed on request.
    review += incomplete.reduce((sum, v) => sum + v.nodes.length, 0);
    if (process.env.AXE_INCOMPLETE) {
      for (const v of incomplete)
        for (const n of v.nodes.slice(0, 4))
          console.log(`# review ${name} ${size} ${v.id}: ${n.target.join(' ')} ${summary(n)}`);
    }
    if (size === 'phone') await page.screenshot({ path: path.join(artifacts, `a11y-${name}-phone.png`) });
  }
  await page.setViewportSize(DESKTOP);
  const avatars = await initialsContrast(page, name);
  console.log(`# ${name}: ${lesser} moderate or minor, ${review} for review (AXE_INCOMPLETE=1 lists them)`);
  return { avatars };
}

/**
 * The contrast of avatar initials, which CSS draws (axe does not read generated text): white on
 * each person's color, at least 4.5:1. Returns how many avatars it measured.
 */
async function initialsContrast(page: Page, name: string) {
  const seen = await page.$$eval('.avatar[data-initials]', (els) =>
    els.map((el) => ({
      initials: (el as HTMLElement).dataset.initials,
      text: getComputedStyle(el, '::before').color,
      back: getComputedStyle(el).backgroundColor,
    })),
  );
  const luminance = (color: string) => {
    const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  for (const { initials, text, back } of seen) {
    const [light = 0, dark = 0] = [luminance(text), luminance(back)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    if (ratio < 4.5) problems.push(`${name} serious avatar initials ${initials}: contrast ${ratio.toFixed(2)}:1`);
  }
  return seen.length;
}

function clean() {
  const found = problems.splice(0);
  assert.deepEqual(found, [], `serious or critical axe violations:\n${found.join('\n')}`);
}

describe('accessibility (axe-core) on home, the room, a replay, moderation and DMs', { skip: browserMissing() }, () => {
  const env = useServerAndBrowser({ voice: true, env: { MODERATORS: 'axmod' } });
  const state = { space: '', url: '' };
  const pages = {} as Record<'host' | 'fan' | 'visitor' | 'mod', Page>;
  beforeEach(() => {
    problems.length = 0;
  });

  it('a live Space: the host, a signed-in listener, signed out; focus after a request and an approval', async () => {
    const base = env.server.url;
    for (const who of ['host', 'fan', 'visitor', 'mod'] as const) pages[who] = await env.newPage({ viewport: DESKTOP });
    const { host, fan, visitor, mod } = pages;
    await signUp(host, base, 'axhost', 'Hana Host');
    await signUp(fan, base, 'axfan', 'Finn Fan');
    await signUp(mod, base, 'axmod', 'Mona Moderator');
    await host.goto(`${base}/spaces/new`);
    await host.getByLabel('Title').fill('Accessible audio');
    await host.getByRole('radio', { name: /Everyone/ }).check();
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL((u) => /^\/spaces\/(?!new$)[^/]+$/.test(u.pathname));
    state.url = host.url();
    state.space = new URL(state.url).pathname.split('/').pop() ?? '';
    // A page change put focus on the room's heading.
    await until('focus on the room heading', 3000, async () => (await focused(host)).tag === 'h1');
    await host.locator('[data-testid="audio-bar"][data-mic-state="connected"]').waitFor({ timeout: 20_000 });
    await host.getByRole('button', { name: 'Unmute' }).click();
    await micStatus(host, "You're live");

    await fan.goto(state.url);
    await fan.getByRole('button', { name: 'Listen', exact: true }).click();
    await fan.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor({ timeout: 20_000 });
    await audit(fan, 'room-listener');

    await visitor.goto(state.url);
    await visitor.getByRole('heading', { name: 'Accessible audio' }).waitFor();
    await audit(visitor, 'room-signed-out');

    // Request to speak: focus goes to Cancel request, not <body>.
    await fan.getByRole('button', { name: 'Request to speak' }).click();
    await fan.getByRole('button', { name: 'Cancel request' }).waitFor();
    await until('focus on Cancel request', 3000, async () => (await focused(fan)).text === 'Cancel request');
    // Cancelling gives focus back to Request to speak; then the request again, for the host to approve.
    await fan.getByRole('button', { name: 'Cancel request' }).click();
    await fan.getByRole('button', { name: 'Request to speak' }).waitFor();
    await until('focus back on Request to speak', 3000, async () => (await focused(fan)).text === 'Request to speak');
    await fan.getByRole('button', { name: 'Request to speak' }).click();
    await until('focus on Cancel request again', 3000, async () => (await focused(fan)).text === 'Cancel request');
    // The host, with a request waiting.
    await host.getByRole('button', { name: 'Approve Finn Fan' }).waitFor();
    await audit(host, 'room-host');
    await host.getByRole('button', { name: 'Approve Finn Fan' }).click();
    await fan.locator('[data-testid="audio-bar"][data-mic-state="connected"]').waitFor({ timeout: 20_000 });
    await until('focus on Unmute once on stage', 3000, async () => (await focused(fan)).text.endsWith('Unmute'));
    await audit(fan, 'room-speaker');

    // The listener reports the Space, for the moderator's queue.
    const report = await fan
      .context()
      .request.post(`${base}/api/spaces/${state.space}/report`, { data: { reason: 'Shouting at the audience' } });
    assert.equal(report.status(), 200, await report.text());
    clean();
  });

  it('home, signed out and signed in, with a Space live, one coming and a followed person’s post', async () => {
    const base = env.server.url;
    const { host, fan, visitor } = pages;
    const later = new Date(Date.now() + 86_400_000).toISOString();
    for (const [who, method, route, data] of [
      [host, 'post', '/api/spaces', { title: 'Tomorrow’s talk', scheduledFor: later }],
      [host, 'post', '/api/posts', { text: 'Live now: accessible audio, come and listen' }],
      [fan, 'put', '/api/users/axhost/follow', undefined],
    ] as const) {
      const res = await who.context().request[method](`${base}${route}`, data ? { data } : {});
      assert.ok(res.ok(), `${method} ${route}: ${res.status()} ${await res.text()}`);
    }
    await visitor.goto(`${base}/`);
    await visitor.getByText('Accessible audio').first().waitFor();
    await visitor.getByText('Tomorrow’s talk').first().waitFor();
    await audit(visitor, 'home-signed-out');

    // The listener, on stage in the mini-player, goes Home from the tab bar: focus goes to its heading.
    await fan.getByRole('link', { name: 'Home', exact: true }).click();
    await fan.waitForURL(`${base}/`);
    await until('focus on the page heading', 3000, async () => (await focused(fan)).tag === 'h1');
    await fan.getByRole('region', { name: 'From people you follow' }).getByText('come and listen').waitFor();
    await fan.getByRole('region', { name: 'Now playing' }).waitFor();
    const { avatars } = await audit(fan, 'home-signed-in');
    assert.ok(avatars > 0, 'avatar initials were measured');
    clean();
  });

  it('the replay of an ended Space, for its host and signed out', async () => {
    const base = env.server.url;
    const { host, visitor } = pages;
    await new Promise((r) => setTimeout(r, 2000)); // a little more talk on the record
    const ended = await host.context().request.post(`${base}/api/spaces/${state.space}/end`, { data: {} });
    assert.equal(ended.status(), 200, await ended.text());
    await host.getByTestId('recording-status').filter({ hasText: 'Recording ready' }).waitFor({ timeout: 60_000 });
    await host.getByTestId('replay').waitFor();
    await audit(host, 'replay-host');

    const made = await host
      .context()
      .request.patch(`${base}/api/spaces/${state.space}/recording`, { data: { public: true } });
    assert.equal(made.status(), 200, await made.text());
    await visitor.goto(state.url);
    await visitor.getByTestId('replay').waitFor({ timeout: 10_000 });
    await audit(visitor, 'replay-signed-out');
    clean();
  });

  it('moderation: the queue and a report', async () => {
    const base = env.server.url;
    const { mod } = pages;
    await mod.getByRole('link', { name: 'Moderation' }).click();
    await mod.waitForURL(`${base}/moderation`);
    await until('focus on the page heading', 3000, async () => (await focused(mod)).tag === 'h1');
    const card = mod.getByTestId('report-card').filter({ hasText: 'Accessible audio' });
    await card.waitFor({ timeout: 10_000 });
    await audit(mod, 'moderation-queue');
    await card.click();
    await mod.getByRole('heading', { name: 'Report about “Accessible audio”' }).waitFor();
    await mod.getByTestId('replay').waitFor({ timeout: 10_000 });
    await audit(mod, 'moderation-report');
    clean();
  });

  it('DMs: a conversation open', async () => {
    const base = env.server.url;
    const { host, fan } = pages;
    // A history longer than the log's box: the log scrolls, so it must take focus.
    for (let i = 1; i <= 12; i++) {
      const [from, to] = i % 2 ? [fan, 'axhost'] : [host, 'axfan'];
      const sent = await from.context().request.post(`${base}/api/dms/${to}`, { data: { text: `Earlier note ${i}` } });
      assert.ok(sent.ok(), `dm ${i}: ${sent.status()} ${await sent.text()}`);
    }
    await fan.goto(`${base}/messages/axhost`);
    await fan.getByRole('textbox', { name: 'Message' }).fill('Thanks for the stage time!');
    await fan.getByRole('button', { name: 'Send' }).click();
    await fan.getByTestId('message').filter({ hasText: 'stage time' }).waitFor();
    await host.goto(`${base}/messages/axfan`);
    await host.getByTestId('message').filter({ hasText: 'stage time' }).waitFor();
    await host.getByRole('textbox', { name: 'Message' }).fill('Any time, come back on Friday.');
    await host.keyboard.press('Enter');
    await fan.getByTestId('message').filter({ hasText: 'on Friday' }).waitFor({ timeout: 5000 });
    const log = fan.getByRole('log', { name: 'Conversation' });
    assert.ok(await log.evaluate((el) => el.scrollHeight > el.clientHeight), 'the log scrolls');
    await audit(fan, 'dm-conversation');
    clean();
  });
});
