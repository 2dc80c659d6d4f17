import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { grantTicketing } from '../apps/server/src/tickets/admin';
import { topUp } from '../apps/server/test/tickets-helpers';
import { instrument, LOUD, loudness } from './audio-probe';
import { artifacts, browserMissing, micStatus, signUp, until, useServerAndBrowser } from './browser';

/**
 * A ticketed Space in the web app: the host sets a price on New Space and speaks (Chromium's fake
 * microphone); a buyer on a phone-sized page buys with the ledger provider and hears the host; a
 * signed-in person with the same link sees only the card and nothing connects.
 */
describe('web app: a ticketed Space', { skip: browserMissing() }, () => {
  const env = useServerAndBrowser({ voice: true });

  it('a phone buyer buys a ticket and hears the Space; someone with the link but no ticket cannot', async () => {
    const { server } = env;
    const host = await env.newPage();
    const buyer = await env.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const other = await env.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await buyer.addInitScript(instrument);
    await other.addInitScript(instrument);
    await signUp(host, server.url, 'tina', 'Tina Host');
    await signUp(buyer, server.url, 'bea', 'Bea Buyer');
    await signUp(other, server.url, 'oli', 'Oli Other');
    assert.equal(await grantTicketing('tina', true)(server.earshot.store.db, () => {}), 0);
    await topUp(server, 'bea', 1000);

    await host.goto(`${server.url}/spaces/new`);
    await host.getByLabel('Title').fill('Friday session');
    await host.getByTestId('sell-tickets').check();
    await host.getByLabel('Price', { exact: true }).fill('4.99');
    await host.getByLabel('Tickets', { exact: true }).fill('20');
    await host.screenshot({ path: path.join(artifacts, 'tickets-new-space.png') });
    await host.getByRole('button', { name: 'Create and sell tickets' }).click();
    await host.waitForURL((u) => /^\/spaces\/(?!new$)[^/]+$/.test(u.pathname));
    const room = host.url();
    await host.getByRole('button', { name: 'Start', exact: true }).click();
    await host.locator('[data-testid="audio-bar"][data-mic-state="connected"]').waitFor({ timeout: 15_000 });
    await host.getByRole('button', { name: 'Unmute' }).click();
    await micStatus(host, "You're live");

    // Without a ticket: the card, its price and seats left, and no audio connection at all.
    await other.goto(room);
    await other.getByTestId('ticket-gate').waitFor({ timeout: 15_000 });
    await other.getByTestId('seats-left').filter({ hasText: '20 of 20 seats left' }).waitFor();
    assert.match(await other.getByTestId('ticket-price').innerText(), /4\.99/);
    assert.equal(await other.getByRole('button', { name: 'Listen', exact: true }).count(), 0);

    // The buyer: card, Buy ticket, confirm, and the room opens with "You have a ticket".
    await buyer.goto(room);
    await buyer.getByTestId('ticket-gate').waitFor({ timeout: 15_000 });
    await buyer.screenshot({ path: path.join(artifacts, 'tickets-card-phone.png') });
    await buyer.getByTestId('buy-ticket').click();
    const pay = buyer.getByRole('button', { name: /^Pay .*4\.99/ });
    await pay.waitFor();
    assert.equal(await pay.evaluate((el) => el === document.activeElement), true, 'focus moves to the confirm button');
    await buyer.keyboard.press('Enter');
    await buyer.getByTestId('ticket-badge').filter({ hasText: 'You have a ticket' }).waitFor({ timeout: 15_000 });
    await buyer.getByTestId('ticket-badge').filter({ hasText: '19 of 20 seats left' }).waitFor();
    await buyer.getByRole('button', { name: 'Listen', exact: true }).click();
    await buyer.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor({ timeout: 15_000 });
    await until('the buyer hears the host', 20_000, async () => (await loudness(buyer, 1000)).rms > LOUD);
    await buyer.screenshot({ path: path.join(artifacts, 'tickets-room-phone.png') });

    // The one without a ticket still has nothing: no peer connection was ever made on that page.
    await other.reload();
    await other.getByTestId('ticket-gate').waitFor({ timeout: 15_000 });
    await other.getByTestId('seats-left').filter({ hasText: '19 of 20 seats left' }).waitFor({ timeout: 10_000 });
    const pcs = await other.evaluate(() => (window as unknown as { __pcs: unknown[] }).__pcs.length);
    assert.equal(pcs, 0);
    await other.screenshot({ path: path.join(artifacts, 'tickets-refused-phone.png') });

    // The host's earnings page shows the sale (97% of 4.99 = 4.84).
    await host.goto(`${server.url}/earnings`);
    assert.match(await host.getByTestId('earned-USD').innerText(), /4\.84/);
  });
});
