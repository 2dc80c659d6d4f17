import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { artifacts, browserMissing, endSpace, micStatus, signUp, until, useServerAndBrowser } from './browser';

/**
 * Recording, replay and safety through the real server and the web app: a host talks in a Space
 * that a listener reports; once it ends the host gets the recording (downloads, Public replay), a
 * signed-out phone plays it, a moderator listens from where the report was made and decides a
 * violation, the host appeals, a second moderator makes the final decision.
 */

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `recording-${name}.png`), fullPage: true });

describe('web app: recording, replay, reports and appeals', { skip: browserMissing() }, () => {
  const e2e = useServerAndBrowser({ env: { MODERATORS: 'mona,mika' }, voice: true });
  const { contexts } = e2e;

  it('a host records, downloads and shares; a phone replays; a report is decided and appealed', async (t) => {
    const { server, newPage } = e2e;
    // On a failure, what each page showed.
    t.after(async () => {
      if (!failed) return;
      for (const [i, context] of contexts.entries()) {
        for (const page of context.pages()) await shot(page, `failure-${i}`).catch(() => {});
      }
    });
    let failed = true;
    // The server side must be there: an unknown route answers 404 "no route GET …".
    for (const route of ['/api/spaces/nope/recording/info', '/api/moderation/reports', '/api/me/reports']) {
      const probe = await fetch(`${server.url}${route}`);
      const body = (await probe.json().catch(() => null)) as { error?: { message?: string } } | null;
      assert.ok(
        body?.error && !body.error.message?.startsWith('no route'),
        `GET ${route} is not served yet (${probe.status} ${JSON.stringify(body)}): the server side is missing`,
      );
    }

    const host = await newPage();
    const listener = await newPage();
    const mona = await newPage();
    const mika = await newPage();
    const phone = await newPage({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });

    await signUp(host, server.url, 'hana', 'Hana Host');
    await signUp(listener, server.url, 'leo', 'Leo Listener');
    await signUp(mona, server.url, 'mona', 'Mona Moderator');
    await signUp(mika, server.url, 'mika', 'Mika Moderator');

    // Only moderators see the way to the queue.
    await mona.getByRole('link', { name: 'Moderation' }).waitFor();
    assert.equal(await host.getByRole('link', { name: 'Moderation' }).count(), 0);

    // The host goes live; the room says it is recorded.
    await host.goto(`${server.url}/spaces/new`);
    await host.getByLabel('Title').fill('On the record');
    await host.getByRole('radio', { name: /Everyone/ }).check();
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL((u) => /^\/spaces\/(?!new$)[^/]+$/.test(u.pathname));
    const room = host.url();
    const spaceId = new URL(room).pathname.split('/').pop() ?? '';
    await host.getByTestId('recording-indicator').filter({ hasText: 'Recording' }).waitFor();
    await host.locator('[data-testid="audio-bar"][data-mic-state="connected"]').waitFor({ timeout: 15_000 });
    await host.getByRole('button', { name: 'Unmute' }).click();
    await micStatus(host, "You're live");

    // A listener reports the Space while it is live.
    await listener.goto(room);
    await listener.getByTestId('recording-indicator').waitFor();
    await new Promise((r) => setTimeout(r, 2000)); // into the talk, so the report has an offset to start from
    await listener.getByRole('button', { name: 'More about this Space' }).click();
    await listener.getByRole('menuitem', { name: 'Report Space' }).click();
    const report = listener.getByRole('dialog', { name: 'Report this Space' });
    await report.getByRole('textbox').fill('Insults at the audience');
    await report.getByRole('button', { name: 'Send report' }).click();
    await listener.getByText('Your report was sent to the moderators').waitFor({ timeout: 5000 });

    // The host talks a few seconds more, then ends it.
    await new Promise((r) => setTimeout(r, 3000));
    await endSpace(host);
    await host.getByText('This Space has ended').waitFor({ timeout: 5000 });

    // The host's recording: prepared, then ready with downloads, a retention date and the switch.
    const status = host.getByTestId('recording-status');
    await status.waitFor({ timeout: 10_000 });
    await status.filter({ hasText: 'Recording ready' }).waitFor({ timeout: 60_000 });
    await host
      .getByTestId('kept-until')
      .filter({ hasText: /Kept until/ })
      .waitFor();
    for (const [id, type] of [
      ['download-opus', /^audio\/ogg/],
      ['download-m4a', /^audio\/(mp4|m4a|x-m4a)/],
    ] as const) {
      const link = host.getByTestId(id);
      assert.match((await link.textContent()) ?? '', /\d+(\.\d+)? ?(B|KB|MB)/, `${id} shows a size`);
      const href = await link.getAttribute('href');
      assert.ok(href, `${id} has a link`);
      const res = await host.context().request.get(new URL(href, server.url).toString());
      assert.equal(res.status(), 200, `${id} downloads`);
      assert.match(res.headers()['content-type'] ?? '', type, `${id} content type`);
      assert.match(res.headers()['content-disposition'] ?? '', /attachment/, `${id} comes as an attachment`);
      assert.ok((await res.body()).length > 500, `${id} has audio in it`);
    }
    await host.getByTestId('replay').waitFor();
    await shot(host, 'host-desktop');
    // A long "who spoke when" (an 18-minute Space has hundreds of rows) scrolls inside its list:
    // the page itself is no taller than twice its content (the hidden "from"/"to" words once
    // stretched it by 20,000 px of blank).
    const height = await host.evaluate(() => {
      const list = document.querySelector('[data-testid="turn-list"]');
      const row = list?.querySelector('li');
      for (let i = 0; row && list && i < 400; i++) list.append(row.cloneNode(true));
      const main = document.querySelector('main') as HTMLElement;
      return {
        page: document.documentElement.scrollHeight,
        content: Math.ceil(main.getBoundingClientRect().bottom + window.scrollY),
        rows: list?.children.length ?? 0,
      };
    });
    assert.ok(height.rows > 400, 'the list is long');
    assert.ok(height.page <= 2 * height.content, `page ${height.page} px for ${height.content} px of content`);

    // Private by default: a signed-out phone finds no replay, and a way home.
    await phone.goto(room);
    await phone.getByTestId('no-recording').filter({ hasText: 'No recording' }).waitFor({ timeout: 10_000 });
    await phone.getByRole('link', { name: 'Find live Spaces' }).waitFor();

    // The host makes it public.
    const publicSwitch = host.getByRole('switch', { name: 'Public replay' });
    assert.equal(await publicSwitch.isChecked(), false);
    await publicSwitch.focus();
    await host.keyboard.press('Space');
    await until('the switch is on', 5000, async () => (await publicSwitch.getAttribute('aria-checked')) === 'true');
    await host.getByText('On: anyone who opens this Space can play the recording.').waitFor();
    // The switch shows the choice at once; the server has it when its PATCH returns.
    await until(
      'the public recording is visible signed out',
      5000,
      async () => (await fetch(`${server.url}/api/spaces/${spaceId}/recording/info`)).status === 200,
    );

    // The phone plays it: the seek bar moves, the host is among the speakers.
    await phone.reload();
    await phone.getByTestId('replay').waitFor({ timeout: 10_000 });
    await phone.getByTestId('turn').filter({ hasText: 'Hana Host' }).first().waitFor();
    const seek = phone.getByRole('slider', { name: 'Position in the recording' });
    assert.equal(Number(await seek.inputValue()), 0);
    await phone.getByRole('button', { name: 'Play' }).click();
    await phone.getByRole('button', { name: 'Pause' }).waitFor({ timeout: 5000 });
    await until('the seek bar moves', 10_000, async () => Number(await seek.inputValue()) > 0.8);
    await phone.getByTestId('now-speaking').filter({ hasText: 'Now speaking: Hana Host' }).waitFor({ timeout: 10_000 });
    await shot(phone, 'replay-phone');
    await phone.getByRole('button', { name: 'Pause' }).click();
    // Arrow keys move 5 s (within the recording's length).
    await seek.focus();
    await phone.keyboard.press('Home');
    await phone.keyboard.press('ArrowRight');
    const moved = Number(await seek.inputValue());
    const length = Number(await seek.getAttribute('max'));
    assert.ok(Math.abs(moved - Math.min(5, length)) < 0.01, `ArrowRight seeks 5 s (at ${moved} of ${length})`);

    // The moderator's queue has the report; its page plays the recording from the report's time.
    await mona.getByRole('link', { name: 'Moderation' }).click();
    await mona.waitForURL(`${server.url}/moderation`);
    const card = mona.getByTestId('report-card').filter({ hasText: 'On the record' });
    await card.waitFor({ timeout: 10_000 });
    await card.filter({ hasText: 'Insults at the audience' }).filter({ hasText: 'Leo Listener' }).waitFor();
    await shot(mona, 'moderation-queue');
    await card.click();
    await mona.getByRole('heading', { name: 'Report about “On the record”' }).waitFor();
    await mona.getByTestId('replay').waitFor({ timeout: 10_000 });
    const startAt = Number(await mona.getByRole('slider', { name: 'Position in the recording' }).inputValue());
    assert.ok(startAt > 0, `the moderator's player starts where the report was made (${startAt} s)`);
    // The reason is required; the error says so.
    await mona.getByRole('radio', { name: /^Violation/ }).check();
    await mona.getByRole('button', { name: 'Record decision' }).click();
    await mona.getByRole('alert').filter({ hasText: 'reason' }).waitFor();
    await mona.getByRole('checkbox', { name: /Suspend the account of Hana Host/ }).check();
    await mona.getByLabel('Reason').fill('Insulting the audience breaks rule 2.');
    await mona.getByRole('button', { name: 'Record decision' }).click();
    await mona.getByTestId('decision').filter({ hasText: 'Insulting the audience breaks rule 2.' }).waitFor();
    await mona.getByTestId('report-status').filter({ hasText: 'Violation' }).first().waitFor();
    await shot(mona, 'moderation-report');

    // The host is told, is suspended (a banner on every page) and appeals.
    await host.goto(`${server.url}/notifications`);
    const note = host.getByTestId('notification').filter({ hasText: 'found a violation' });
    await note.waitFor({ timeout: 10_000 });
    await host.getByTestId('suspended-banner').waitFor({ timeout: 10_000 });
    await note.getByRole('link').click();
    await host.waitForURL(`${server.url}/reports`);
    const mine = host.getByTestId('my-report').filter({ hasText: 'On the record' });
    await mine.waitFor();
    await mine.getByText('Insulting the audience breaks rule 2.').waitFor();
    await mine.getByTestId('report-kept-until').waitFor();
    await mine.getByLabel('Why is this decision wrong?').fill('I was quoting a film, not insulting anyone.');
    await mine.getByRole('button', { name: 'Send appeal' }).click();
    await mine.getByTestId('appeal-status').filter({ hasText: 'Waiting for a moderator’s final decision' }).waitFor();
    assert.equal(await mine.getByRole('button', { name: 'Send appeal' }).count(), 0, 'one appeal only');
    await shot(host, 'reports-desktop');

    // Another moderator makes the final decision from the appealed queue.
    await mika.goto(`${server.url}/moderation?status=appealed`);
    await mika.getByTestId('report-card').filter({ hasText: 'On the record' }).click();
    await mika.getByTestId('appeal').filter({ hasText: 'I was quoting a film' }).waitFor();
    await mika.getByRole('radio', { name: /^No violation/ }).check();
    assert.equal(await mika.getByRole('checkbox', { name: /Suspend/ }).count(), 0, 'no suspension without a violation');
    await mika.getByLabel('Reason').fill('It was a quote; overturned.');
    await mika.getByRole('button', { name: 'Make the final decision' }).click();
    await mika.getByTestId('report-status').filter({ hasText: 'Overturned' }).first().waitFor();

    // The host reads the outcome, on a phone-width page too.
    await host.setViewportSize({ width: 375, height: 812 });
    await host.reload();
    await host
      .getByTestId('my-report')
      .getByTestId('appeal-status')
      .filter({ hasText: 'accepted' })
      .waitFor({ timeout: 10_000 });
    await shot(host, 'reports-phone');
    const overflow = await host.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `nothing wider than the phone (${overflow} px over)`);
    failed = false;
  });
});
