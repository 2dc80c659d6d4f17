import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { artifacts, assertFloatsClear, browserMissing, endSpace, signUp, useServerAndBrowser } from './browser';

describe('web app: a live Space from start to end', { skip: browserMissing() }, () => {
  const env = useServerAndBrowser();

  it('a host starts a Space; a listener on a phone raises a hand, speaks, reacts, is removed; the host ends it', async () => {
    const hostContext = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await hostContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.url });
    const host = await hostContext.newPage();
    const listener = await (
      await env.browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true })
    ).newPage();
    const anon = await (await env.browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();

    await signUp(host, env.server.url, 'hana', 'Hana Host');
    await signUp(listener, env.server.url, 'leo', 'Leo Listener');

    // The host starts a Space from the home page.
    await host.goto(`${env.server.url}/`);
    await host.getByRole('link', { name: 'Start a Space' }).click();
    await host.waitForURL('**/spaces/new');
    await host.getByLabel('Title').fill('Late night jazz talk');
    await host.getByLabel('Topics').fill('music, jazz');
    await host.getByRole('radio', { name: /Everyone/ }).check();
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL((u) => /^\/spaces\/(?!new$)[^/]+$/.test(u.pathname));
    await host.getByRole('heading', { name: 'Late night jazz talk' }).waitFor();
    await host.locator('.live-badge').waitFor();
    await host.getByTestId('stage-member').filter({ hasText: 'Hana Host' }).waitFor();
    assert.match((await host.getByTestId('stage-member').first().textContent()) ?? '', /Host/);

    // The share button copies the room's address.
    await host.getByRole('button', { name: 'Copy share link' }).click();
    await host.getByText('Link copied').waitFor();
    const shareLink = await host.evaluate(() => navigator.clipboard.readText());
    assert.equal(shareLink, host.url());

    // Someone signed out finds it under "Live now" and listens.
    await anon.goto(`${env.server.url}/`);
    await anon.getByTestId('space-card').filter({ hasText: 'Late night jazz talk' }).click();
    await anon.waitForURL(shareLink);
    await anon.getByText('Sign in to raise your hand and react').waitFor();
    await anon.getByTestId('stage-member').filter({ hasText: 'Hana Host' }).waitFor();

    // The listener opens the link on a phone and raises a hand; the host approves.
    await listener.goto(shareLink);
    // Leo follows Hana too: her desktop shows a toast and the raised hand's note at once, both clear
    // of the room's header and controls.
    const follow = () => fetch('/api/users/hana/follow', { method: 'PUT' }).then((r) => r.status);
    assert.equal(await listener.evaluate(follow), 200);
    await listener.getByRole('button', { name: 'Request to speak' }).click();
    await listener.getByRole('button', { name: 'Cancel request' }).waitFor();
    await host.locator('.toast').waitFor();
    await host.locator('.room-activity').waitFor();
    await assertFloatsClear(host, 'desktop room');
    await host.screenshot({ path: path.join(artifacts, 'space-room-host-toast-desktop.png') });
    await host.getByRole('button', { name: 'Approve Leo Listener' }).click();
    for (const page of [host, listener, anon]) {
      await page.getByTestId('stage-member').filter({ hasText: 'Leo Listener' }).waitFor({ timeout: 5000 });
    }
    await listener.getByRole('button', { name: 'Leave stage' }).waitFor();
    await listener.getByRole('button', { name: 'Unmute' }).click();
    await listener.getByRole('button', { name: 'Mute', exact: true }).waitFor();

    // A reaction floats up for everyone.
    await listener.getByRole('button', { name: 'React 🔥' }).click();
    await listener.getByTestId('floating-reaction').first().waitFor({ timeout: 5000 });
    await host.getByTestId('floating-reaction').first().waitFor({ timeout: 5000 });
    for (const page of [host, listener]) await page.evaluate(() => window.scrollTo(0, 0));
    await host.screenshot({ path: path.join(artifacts, 'space-room-host-desktop.png') });
    await listener.screenshot({ path: path.join(artifacts, 'space-room-listener-phone.png') });

    // The host removes the listener through the options menu.
    await host.getByRole('button', { name: 'Options for Leo Listener' }).first().click();
    await host.getByRole('menuitem', { name: 'Move to audience' }).waitFor();
    await host.screenshot({ path: path.join(artifacts, 'space-room-host-menu.png') });
    await host.getByRole('menuitem', { name: 'Remove' }).click();
    const confirm = host.getByRole('dialog', { name: 'Remove Leo Listener from this Space?' });
    await confirm.getByText('They will not be able to rejoin it.').waitFor();
    await host.screenshot({ path: path.join(artifacts, 'space-room-host-remove-dialog.png') });
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await listener.getByRole('heading', { name: 'You were removed from this Space' }).waitFor({ timeout: 5000 });
    await host.getByTestId('stage-member').filter({ hasText: 'Leo Listener' }).waitFor({ state: 'detached' });

    // Reloading does not let them back in.
    await listener.reload();
    await listener.getByRole('heading', { name: 'You were removed from this Space' }).waitFor({ timeout: 5000 });
    assert.equal(await listener.getByTestId('stage-member').count(), 0);

    // The host ends the Space; the anonymous listener sees it end too.
    await endSpace(host);
    await host.getByText('This Space has ended').waitFor({ timeout: 5000 });
    // The End button is gone with the live room: focus is on the room's heading, not <body>.
    await host.waitForFunction(() => document.activeElement?.matches('main h1'));
    await anon.getByText('This Space has ended').waitFor({ timeout: 5000 });
    assert.equal(await host.getByRole('button', { name: 'Request to speak' }).count(), 0);

    // And it is gone from discovery.
    await anon.goto(`${env.server.url}/`);
    await anon.getByText('No live Spaces right now').waitFor();
  });
});
