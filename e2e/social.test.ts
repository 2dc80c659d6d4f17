import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { artifacts, browserMissing, signUp, useServerAndBrowser } from './browser';

describe('web app: follow, DM, a live notification, a timeline and a profile picture', {
  skip: browserMissing(),
}, () => {
  const env = useServerAndBrowser();

  it('two people sign up; one follows the other and sends a DM; the other sees it arrive without reloading', async () => {
    const ada = await (await env.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const bob = await (
      await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })
    ).newPage();

    await signUp(ada, env.server.url, 'ada', 'Ada Lovelace');
    await signUp(bob, env.server.url, 'bob', 'Bob Builder');

    // Ada waits on her home page; nothing reloads it from here on.
    await ada.goto(`${env.server.url}/`);
    const badge = ada.getByTestId('unread-badge');
    await assert.rejects(badge.waitFor({ state: 'visible', timeout: 500 }));

    await bob.goto(`${env.server.url}/u/ada`);
    await bob.getByRole('button', { name: 'Follow', exact: true }).click();
    await bob.getByRole('button', { name: 'Unfollow' }).waitFor();
    await badge.waitFor({ state: 'visible', timeout: 5000 });
    assert.equal((await badge.textContent())?.trim(), '1');

    await bob.getByRole('button', { name: 'Message', exact: true }).click();
    await bob.waitForURL('**/messages/ada');
    await bob.getByRole('textbox', { name: 'Message' }).fill('Hello Ada, want to co-host on Friday?');
    await bob.getByRole('button', { name: 'Send' }).click();
    await bob.getByTestId('message').filter({ hasText: 'co-host on Friday' }).waitFor();

    await ada.waitForFunction(
      () => document.querySelector('[data-testid="unread-badge"]')?.textContent?.trim() === '2',
    );

    await ada.goto(`${env.server.url}/notifications`);
    const items = ada.getByTestId('notification');
    await items.first().waitFor();
    const texts = await items.allTextContents();
    assert.ok(
      texts.some((t) => /Bob Builder/.test(t) && /follow/i.test(t)),
      texts.join(' | '),
    );
    assert.ok(
      texts.some((t) => /co-host on Friday/.test(t)),
      texts.join(' | '),
    );

    await ada.goto(`${env.server.url}/messages`);
    await ada.getByTestId('conversation').filter({ hasText: 'Bob Builder' }).click();
    await ada.waitForURL('**/messages/bob');
    await ada.getByTestId('message').filter({ hasText: 'co-host on Friday' }).waitFor();

    // A reply arrives on Bob's phone-sized screen live, too.
    const reply = ada.getByRole('textbox', { name: 'Message' });
    await reply.fill('Yes! Friday 6pm.');
    // An unsent reply outlives leaving the conversation (and a remount, which CI once hit between fill and Enter).
    await ada.locator('.conversation-page .back-link').click();
    await ada.getByTestId('conversation').filter({ hasText: 'Bob Builder' }).click();
    assert.equal(await reply.inputValue(), 'Yes! Friday 6pm.');
    await ada.getByRole('button', { name: 'Send' }).click();
    await ada.getByTestId('message').filter({ hasText: 'Friday 6pm' }).waitFor();
    await bob
      .getByTestId('message')
      .filter({ hasText: 'Friday 6pm' })
      .waitFor({ timeout: 15_000 })
      .catch(async (err) => {
        // Intermittent in CI only (2 of 5 runs, stop 20): keep what each side saw for the next look.
        await ada.screenshot({ path: path.join(artifacts, 'dm-reply-missing-ada.png') });
        await bob.screenshot({ path: path.join(artifacts, 'dm-reply-missing-bob.png') });
        const adaSees = await ada.locator('.conversation-page').innerText();
        const bobSees = await bob.locator('.conversation-page').innerText();
        throw new Error(`${err.message}\nAda's page: ${adaSees}\nBob's page: ${bobSees}`);
      });

    await ada.screenshot({ path: path.join(artifacts, 'dm-view-desktop.png') });
    await bob.screenshot({ path: path.join(artifacts, 'dm-view-phone.png') });

    // Ada posts; Bob, who follows her, reads it in his Home timeline.
    await ada.goto(`${env.server.url}/`);
    await ada.getByRole('textbox', { name: 'New post' }).fill('Open audio night on Friday, bring a friend');
    await ada.getByRole('button', { name: 'Post', exact: true }).click();
    await ada.getByRole('region', { name: 'Just posted' }).getByText('Open audio night on Friday').waitFor();
    await bob.goto(`${env.server.url}/`);
    const timeline = bob.getByRole('region', { name: 'From people you follow' });
    await timeline.getByRole('article', { name: 'Post by Ada Lovelace' }).getByText('Open audio night').waitFor();
    await timeline.scrollIntoViewIfNeeded();
    await bob.screenshot({ path: path.join(artifacts, 'home-timeline-phone.png') });

    // Block asks first, in the app's dialog (focus on Cancel, focus back on the button after).
    await bob.goto(`${env.server.url}/u/ada`);
    await bob.getByRole('button', { name: 'Block', exact: true }).click();
    const block = bob.getByRole('dialog', { name: 'Block @ada?' });
    await block.getByText('They will not be able to message you or join what you host.').waitFor();
    const focusedText = () => bob.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    assert.equal(await focusedText(), 'Cancel');
    await bob.screenshot({ path: path.join(artifacts, 'profile-block-dialog-phone.png') });
    await block.getByRole('button', { name: 'Block', exact: true }).click();
    await bob.getByText('You have blocked @ada.').waitFor();
    assert.equal(await focusedText(), 'Unblock');
    await bob.getByRole('button', { name: 'Unblock' }).click();
    await bob.getByRole('dialog', { name: 'Unblock @ada?' }).getByRole('button', { name: 'Unblock' }).click();
    await bob.getByRole('button', { name: 'Block', exact: true }).waitFor();
    assert.equal(await bob.getByText('You have blocked @ada.').count(), 0);
  });

  it('uploads a picture from Settings, shows it on the profile, and explains a refused file by the field', async () => {
    const page = await (
      await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })
    ).newPage();
    await signUp(page, env.server.url, 'pic', 'Pia Picture');
    await page.goto(`${env.server.url}/settings`);
    const field = page.getByLabel('Profile picture');
    // A text file named like a picture: the server reads its bytes and refuses it.
    await field.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just some text\n') });
    await page.getByRole('alert').filter({ hasText: 'not a PNG, JPEG or WebP image' }).waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'file');

    const png = await sharp({ create: { width: 500, height: 300, channels: 3, background: '#2a7' } })
      .png()
      .toBuffer();
    await field.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('status').filter({ hasText: 'Picture saved.' }).waitFor();
    const img = page.locator('.avatar-field img.avatar');
    await img.waitFor();
    assert.ok(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth === 256));
    await page.screenshot({ path: path.join(artifacts, 'settings-avatar-phone.png') });

    await page.goto(`${env.server.url}/u/pic`);
    await page.locator('img.avatar-lg').waitFor();

    // The picture, not initials, wherever she appears: the top bar, and a Space's listeners,
    // requests and stage (as its host sees them). Decorative: her name is always beside it.
    const nav = page.locator('a.me img.avatar');
    await nav.waitFor();
    assert.equal(await nav.getAttribute('alt'), '');
    const host = await (await env.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await signUp(host, env.server.url, 'pichost', 'Hal Host');
    await host.goto(`${env.server.url}/spaces/new`);
    await host.getByLabel('Title').fill('Faces in the room');
    await host.getByRole('radio', { name: /Everyone/ }).check();
    await host.getByRole('button', { name: 'Start now' }).click();
    await host.waitForURL((u) => /^\/spaces\/(?!new$)[^/]+$/.test(u.pathname));
    await page.goto(host.url());
    const shows = async (where: string, scope: ReturnType<Page['locator']>) => {
      const picture = scope.locator('img.avatar');
      await picture.waitFor({ timeout: 10_000 });
      assert.equal(await picture.getAttribute('alt'), '', where);
      assert.ok(await picture.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth === 256), where);
    };
    await shows('listeners', host.getByTestId('listener').filter({ hasText: 'Pia' }));
    await page.getByRole('button', { name: 'Request to speak' }).click();
    await shows('requests', host.getByTestId('request').filter({ hasText: 'Pia Picture' }));
    await host.getByRole('button', { name: 'Approve Pia Picture' }).click();
    await shows('stage', host.getByTestId('stage-member').filter({ hasText: 'Pia Picture' }));
    // The host has no picture: initials.
    assert.equal(await host.getByTestId('stage-member').filter({ hasText: 'Hal Host' }).locator('img').count(), 0);
    await host.evaluate(() => window.scrollTo(0, 0));
    await host.screenshot({ path: path.join(artifacts, 'room-avatars-desktop.png') });

    // She removes her picture mid-Space: the room still names the old one, now gone from the
    // server; someone new to the room sees her initials, not a broken image.
    assert.equal(await page.evaluate(() => fetch('/api/me/avatar', { method: 'DELETE' }).then((r) => r.status)), 200);
    const visitor = await (await env.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await visitor.goto(host.url());
    const tile = visitor.getByTestId('stage-member').filter({ hasText: 'Pia Picture' });
    await tile.locator('span.avatar[data-initials="PP"]').waitFor({ timeout: 10_000 });
    assert.equal(await tile.locator('img').count(), 0);
  });
});
