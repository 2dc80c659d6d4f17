import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ICAL from 'ical.js';
import { artifacts, browserMissing, signUp, useServerAndBrowser } from './browser';

/** "YYYY-MM-DDTHH:MM" in the browser's (and this process's) local time, `ms` from now, on a whole minute. */
function localIn(ms: number): string {
  const d = new Date(Math.ceil((Date.now() + ms) / 60_000) * 60_000);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

describe('web app: a scheduled Space', { skip: browserMissing() }, () => {
  const env = useServerAndBrowser({ env: { JOBS_POLL_MS: '200' } });

  it('a host schedules a Space for later; a listener on a phone sets a reminder, is told when it starts and joins from the notification', async () => {
    const host = await env.newPage();
    const phone = await env.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const base = env.server.url;
    await signUp(host, base, 'sched_host', 'Sasha Host');
    await signUp(phone, base, 'sched_fan', 'Robin Fan');
    const cohost = await env.newPage();
    await signUp(cohost, base, 'sched_co', 'Casey Cohost');

    // New Space → Schedule for later, by keyboard-reachable labelled controls.
    await host.goto(`${base}/spaces/new`);
    await host.getByLabel('Title').fill('Design critique hour');
    await host.getByLabel('Topics').fill('design, feedback');
    await host.getByRole('radio', { name: /Schedule for later/ }).check();
    const at = localIn(3 * 60 * 60_000);
    await host.getByLabel('Date and time').fill(at);
    await host.screenshot({ path: path.join(artifacts, 'schedule-new-desktop.png'), fullPage: true });
    await host.getByRole('button', { name: 'Schedule' }).click();
    await host.waitForURL((u) => /^\/spaces\/(?!new$)[^/]+$/.test(u.pathname));
    const spaceUrl = host.url();
    const id = new URL(spaceUrl).pathname.split('/').pop() as string;
    await host.getByTestId('upcoming-space').waitFor();
    await host.getByRole('heading', { name: 'Design critique hour' }).waitFor();
    assert.equal(
      await host.getByTestId('upcoming-time').getAttribute('datetime'),
      new Date(at).toISOString(),
      'the time typed in local time, kept in UTC',
    );
    for (const name of ['Start now', 'Edit', 'Cancel Space'])
      assert.ok(await host.getByRole('button', { name }).isVisible(), name);
    await host.getByText('0 people have set a reminder').waitFor();

    // A co-host set ahead: invited by handle, accepted on the Space's page before the start.
    await host.getByLabel('Invite a co-host').fill('sched_co');
    await host.getByRole('button', { name: 'Invite', exact: true }).click();
    await host.getByText('Invited: Casey Cohost').waitFor();
    await cohost.goto(spaceUrl);
    await cohost.getByRole('button', { name: 'Accept' }).click();
    await host.getByText('with Casey Cohost').waitFor();
    await cohost.getByRole('button', { name: 'Edit' }).waitFor(); // co-hosts edit too

    // The listener finds it under Upcoming on Home (a phone) and sets a reminder.
    await phone.goto(`${base}/`);
    const card = phone.getByTestId('upcoming-card').filter({ hasText: 'Design critique hour' });
    await card.waitFor();
    await phone.screenshot({ path: path.join(artifacts, 'schedule-home-phone.png'), fullPage: true });
    await card.getByRole('button', { name: /Remind me/ }).click();
    await card.getByRole('button', { name: /Reminder set/ }).waitFor();
    assert.equal(await card.getByRole('button', { name: /Reminder set/ }).getAttribute('aria-pressed'), 'true');

    // The New Space form at phone size, with the time picker open to view.
    await phone.goto(`${base}/spaces/new`);
    await phone.getByRole('radio', { name: /Schedule for later/ }).check();
    await phone.getByLabel('Date and time').waitFor();
    await phone.screenshot({ path: path.join(artifacts, 'schedule-new-phone.png'), fullPage: true });
    await host.goto(`${base}/`);
    await host.getByTestId('upcoming-card').filter({ hasText: 'Design critique hour' }).waitFor();
    await host.screenshot({ path: path.join(artifacts, 'schedule-home-desktop.png'), fullPage: true });
    await host.goto(spaceUrl);

    // Its page on the phone: Remind me shows it is set; Add to calendar downloads an .ics that parses.
    await phone.goto(spaceUrl);
    await phone.getByTestId('upcoming-space').waitFor();
    await phone.getByRole('button', { name: /Reminder set/ }).waitFor();
    await phone.screenshot({ path: path.join(artifacts, 'schedule-upcoming-phone.png'), fullPage: true });
    const [download] = await Promise.all([
      phone.waitForEvent('download'),
      phone.getByRole('link', { name: 'Add to calendar' }).click(),
    ]);
    const ics = readFileSync(await download.path(), 'utf8');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent') as ICAL.Component);
    assert.equal(event.summary, 'Design critique hour');
    assert.equal(event.startDate.toJSDate().toISOString(), new Date(at).toISOString());
    assert.equal(event.uid, `space-${id}@earshot`);
    assert.match(ics, new RegExp(`/spaces/${id}`));

    // The host sees the count, edits the title (the page follows), then starts it early.
    await host.reload();
    await host.getByText('1 person has set a reminder').waitFor();
    await host.getByRole('button', { name: 'Edit' }).click();
    await host.getByLabel('Title').fill('Design critique hour (early)');
    await host.getByRole('button', { name: 'Save' }).click();
    await host.getByRole('heading', { name: 'Design critique hour (early)' }).waitFor();
    await phone.getByRole('heading', { name: 'Design critique hour (early)' }).waitFor();
    await host.screenshot({ path: path.join(artifacts, 'schedule-upcoming-desktop.png'), fullPage: true });

    await phone.goto(`${base}/`);
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.locator('.live-badge').waitFor();

    // The listener, on Home, is told in the app (the unread badge), opens it and joins from it.
    await phone.getByRole('link', { name: /Notifications, 1 unread/ }).waitFor({ timeout: 15_000 });
    await phone.getByRole('link', { name: /Notifications/ }).click();
    const note = phone.getByTestId('notification').filter({ hasText: 'started “Design critique hour (early)”' });
    await note.waitFor();
    await phone.screenshot({ path: path.join(artifacts, 'schedule-notification-phone.png'), fullPage: true });
    await note.getByRole('link').click();
    await phone.waitForURL(spaceUrl);
    await phone.locator('.live-badge').waitFor();
    await phone.getByTestId('stage-member').filter({ hasText: 'Sasha Host' }).waitFor();
  });

  it('cancelling asks first in the app’s dialog; Escape keeps the Space, the confirmed cancel ends it', async () => {
    const host = await env.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const base = env.server.url;
    await signUp(host, base, 'sched_cancel', 'Cleo Cancel');
    await host.goto(`${base}/spaces/new`);
    await host.getByLabel('Title').fill('Maybe another day');
    await host.getByRole('radio', { name: /Schedule for later/ }).check();
    await host.getByLabel('Date and time').fill(localIn(2 * 60 * 60_000));
    await host.getByRole('button', { name: 'Schedule' }).click();
    await host.getByTestId('upcoming-space').waitFor();
    const cancel = host.getByRole('button', { name: 'Cancel Space' });
    await cancel.click();
    const dialog = host.getByRole('dialog', { name: 'Cancel this Space?' });
    await dialog.getByText('People with a reminder are told.').waitFor();
    const focusedText = () => host.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    assert.equal(await focusedText(), 'Keep the Space', 'the safe choice has focus');
    await host.screenshot({ path: path.join(artifacts, 'schedule-cancel-dialog-phone.png') });
    await host.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await focusedText(), 'Cancel Space', 'focus back on the button that asked');
    assert.ok(await cancel.isVisible(), 'still scheduled');

    await cancel.click();
    await dialog.getByRole('button', { name: 'Cancel Space' }).click();
    await host.getByText('Cancelled by the host').waitFor({ timeout: 5000 });
    assert.equal(await cancel.count(), 0);
    await host.waitForFunction(() => document.activeElement?.id === 'upcoming-title');
  });
});
