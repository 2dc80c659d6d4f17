import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { artifacts, browserMissing, signUp, useServerAndBrowser } from './browser';

/** Records CSP violations (the event, and Chromium's console report) from the page's first script on. */
async function watchCsp(page: Page) {
  const console_: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) console_.push(m.text());
  });
  await page.addInitScript(() => {
    (window as unknown as { cspViolations: string[] }).cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return async () => [...console_, ...(await page.evaluate(() => (window as any).cspViolations as string[]))];
}

describe('web app under its security headers', { skip: browserMissing() }, () => {
  const env = useServerAndBrowser();

  it('runs with the CSP and reports no violation: sign-up, settings (tokens), a live room with audio', async () => {
    const page = await env.newPage();
    const violations = await watchCsp(page);
    const base = env.server.url;
    const res = await page.goto(`${base}/`);
    const csp = res?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res?.headers()['x-content-type-options'], 'nosniff');
    assert.equal(res?.headers()['referrer-policy'], 'same-origin');

    await signUp(page, base, 'csp_ada', 'Ada');
    // Tokens in Settings: made with a name and an expiry, listed, revoked by keyboard.
    await page.goto(`${base}/settings`);
    await page.getByLabel('Token name (optional)').fill('ci bot');
    await page.getByLabel('Expires').selectOption('30');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByLabel('Your new token').waitFor();
    const row = page.getByRole('listitem').filter({ hasText: 'ci bot' });
    await row.filter({ hasText: 'expires' }).waitFor();
    await page.screenshot({ path: path.join(artifacts, 'settings-tokens-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(artifacts, 'settings-tokens-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.getByRole('button', { name: 'Revoke ci bot' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('You have no tokens.').waitFor();
    assert.deepEqual((await page.request.get(`${base}/api/tokens`)).status(), 200);

    // A live room, listened to: the socket and WHEP go through connect-src 'self'.
    const created = await page.request.post(`${base}/api/spaces`, { data: { title: 'CSP check' } });
    const id = (await created.json()).space.id as string;
    await page.request.post(`${base}/api/spaces/${id}/start`, { data: {} });
    await page.goto(`${base}/spaces/${id}`);
    await page.getByRole('button', { name: 'Listen', exact: true }).click();
    await page.locator('[data-testid="audio-bar"][data-listen-state="connected"]').waitFor({ timeout: 15_000 });
    for (const p of ['/', '/messages', '/notifications', `/u/csp_ada`]) {
      await page.goto(base + p);
      await page.waitForLoadState('networkidle');
    }
    assert.deepEqual(await violations(), []);
  });

  it('no source maps are published', async () => {
    const html = await (await fetch(`${env.server.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'the built app has a script');
    const js = await (await fetch(env.server.url + script)).text();
    assert.ok(!js.includes('sourceMappingURL'), 'no source map comment');
    assert.equal((await fetch(`${env.server.url + script}.map`)).status, 404);
  });
});
