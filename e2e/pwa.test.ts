import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { artifacts, browserMissing, signUp, useServerAndBrowser } from './browser';

/** Width and height from a PNG's IHDR chunk. */
const pngSize = (b: Buffer) => `${b.readUInt32BE(16)}x${b.readUInt32BE(20)}`;

/** The service worker's registration, once it is active and controls the page. */
async function activeWorker(page: Page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    return { scope: registration.scope, script: registration.active?.scriptURL ?? null };
  });
}

/** The Settings push switch's state once it has settled: before the page has rendered it there is no
 * switch at all, then it says "checking" until the service worker and the permission have answered. */
async function settledPushState(page: Page) {
  const settled = await page.waitForFunction(() => {
    const state = document.querySelector('[data-testid="push-state"]')?.getAttribute('data-state');
    return state && state !== 'checking' ? state : false;
  });
  return settled.jsonValue();
}

describe('installable app: manifest, service worker, notification settings', { skip: browserMissing() }, () => {
  const env = useServerAndBrowser();

  it('serves a manifest that parses, with icons (maskable 192 and 512) that are what they say', async () => {
    const res = await fetch(`${env.server.url}/manifest.webmanifest`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/manifest+json');
    const manifest = await res.json();
    assert.equal(manifest.name, 'Earshot');
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.start_url, '/');
    assert.equal(manifest.theme_color, '#7c3aed');
    const pngs = manifest.icons.filter((i: { type: string }) => i.type === 'image/png');
    for (const want of ['any 192x192', 'any 512x512', 'maskable 192x192', 'maskable 512x512'])
      assert.ok(
        pngs.some((i: { purpose: string; sizes: string }) => `${i.purpose} ${i.sizes}` === want),
        want,
      );
    for (const icon of pngs) {
      const file = await fetch(env.server.url + icon.src);
      assert.equal(file.headers.get('content-type'), 'image/png', icon.src);
      assert.equal(pngSize(Buffer.from(await file.arrayBuffer())), icon.sizes, icon.src);
    }
    const sw = await fetch(`${env.server.url}/sw.js`);
    assert.equal(sw.status, 200);
    assert.match(sw.headers.get('content-type') ?? '', /^(application|text)\/javascript/);
  });

  it('Chromium finds the manifest and installs the service worker at the root scope', async () => {
    const page = await env.newPage();
    await page.goto(`${env.server.url}/`);
    const worker = await activeWorker(page);
    assert.equal(worker.scope, `${env.server.url}/`);
    assert.equal(worker.script, `${env.server.url}/sw.js`);
    const cdp = await page.context().newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[]; data?: string };
    assert.equal(manifest.url, `${env.server.url}/manifest.webmanifest`);
    assert.deepEqual(manifest.errors, []);
    assert.equal(JSON.parse(manifest.data ?? '{}').short_name, 'Earshot');
    // API answers never come from the worker's cache.
    const api = await page.evaluate(async () => {
      const names = await caches.keys();
      const cached = await Promise.all(names.map(async (n) => (await (await caches.open(n)).keys()).map((r) => r.url)));
      return cached.flat().filter((u) => new URL(u).pathname.startsWith('/api/'));
    });
    assert.deepEqual(api, []);
  });

  it('the service worker shows a push and the Settings switch shows each state (phone and desktop)', async () => {
    const phone = await env.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signUp(phone, env.server.url, 'pwa_phone', 'Pia Phone');
    await phone.goto(`${env.server.url}/settings`);
    const section = phone.getByRole('region', { name: 'Notifications' });
    const state = section.getByTestId('push-state');
    assert.equal(await settledPushState(phone), 'off');
    assert.match((await state.textContent()) ?? '', /^Off/);
    const turnOn = section.getByRole('button', { name: 'Turn on notifications' });
    await turnOn.waitFor();

    // The per-kind switches are keyboard switches, saved on the server.
    const dms = section.getByRole('switch', { name: 'Direct messages' });
    assert.equal(await dms.isChecked(), true);
    await dms.focus();
    await phone.keyboard.press('Space');
    await phone.waitForFunction(async () => {
      const r = await fetch('/api/push/preferences');
      const body = (await r.json()) as { kinds: { kind: string; enabled: boolean }[] };
      return body.kinds.find((k) => k.kind === 'dm')?.enabled === false;
    });
    assert.equal(await dms.isChecked(), false);
    await section.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 72));
    await phone.screenshot({ path: path.join(artifacts, 'settings-notifications-phone.png') });

    // Blocked: the person said no; the page says where to change that and offers no button.
    const cdp = await phone.context().newCDPSession(phone);
    const { targetInfo } = (await cdp.send('Target.getTargetInfo')) as { targetInfo: { browserContextId: string } };
    await cdp.send('Browser.setPermission', {
      permission: { name: 'notifications' },
      setting: 'denied',
      origin: env.server.url,
      browserContextId: targetInfo.browserContextId,
    });
    await phone.reload();
    await phone.waitForFunction(
      () => document.querySelector('[data-testid="push-state"]')?.getAttribute('data-state') === 'blocked',
    );
    assert.equal(await section.getByRole('button', { name: 'Turn on notifications' }).count(), 0);
    await section.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 72));
    await phone.screenshot({ path: path.join(artifacts, 'settings-notifications-blocked-phone.png') });

    // Desktop, permission granted: the service worker turns a push into a notification for the right page.
    const desk = await env.newPage();
    await desk.context().grantPermissions(['notifications'], { origin: env.server.url });
    await signUp(desk, env.server.url, 'pwa_desk', 'Dee Desk');
    await desk.goto(`${env.server.url}/settings`);
    await activeWorker(desk);
    const deskCdp = await desk.context().newCDPSession(desk);
    const registrationId = new Promise<string>((resolve) => {
      deskCdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string }[] }) => {
        const r = e.registrations[0];
        if (r) resolve(r.registrationId);
      });
    });
    await deskCdp.send('ServiceWorker.enable');
    const payload = { title: 'Ada', body: 'Hello <b>there</b>', url: '/messages/ada', tag: 'dm:ada', kind: 'dm' };
    await deskCdp.send('ServiceWorker.deliverPushMessage', {
      origin: env.server.url,
      registrationId: await registrationId,
      data: JSON.stringify(payload),
    });
    let shown: { title: string; body: string; tag: string; url: string }[] = [];
    for (let i = 0; i < 150 && shown.length === 0; i++) {
      shown = await desk.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
          url: (n.data as { url: string }).url,
        })),
      );
      if (shown.length === 0) await desk.waitForTimeout(100);
    }
    assert.deepEqual(shown, [{ title: 'Ada', body: 'Hello <b>there</b>', tag: 'dm:ada', url: '/messages/ada' }]);

    // A click on it: the worker focuses the open app and posts it the page (Chromium cannot click a
    // notification from a test, so the worker's message is sent here as it sends it); the app moves
    // there without a reload, so audio would keep playing.
    await desk.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });
    await desk.evaluate((url) => {
      navigator.serviceWorker.dispatchEvent(new MessageEvent('message', { data: { type: 'earshot:open', url } }));
    }, shown[0]?.url);
    await desk.waitForURL('**/messages/ada');
    assert.equal(await desk.evaluate(() => (window as unknown as { stayed?: boolean }).stayed), true, 'no reload');
    await desk.goto(`${env.server.url}/settings`);

    const deskState = desk.getByRole('region', { name: 'Notifications' }).getByTestId('push-state');
    assert.equal(await settledPushState(desk), 'off');
    const deskSection = desk.getByRole('region', { name: 'Notifications' });
    await deskSection.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 72));
    await desk.screenshot({ path: path.join(artifacts, 'settings-notifications-desktop.png') });

    // This Chromium has no push service to subscribe at (no network, no vendor keys): the person is
    // told, and the state stays Off (Chromium with a push service gets "On" here instead).
    await deskSection.getByRole('button', { name: 'Turn on notifications' }).click();
    await deskSection.getByRole('alert').filter({ hasText: 'could not reach its push service' }).waitFor();
    assert.equal(await deskState.getAttribute('data-state'), 'off');
  });
});
