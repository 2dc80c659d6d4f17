import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { artifacts, assertFloatsClear, browserMissing, until, useServerAndBrowser } from './browser';

const PHONE = { width: 390, height: 844 };

/** Nothing sticks out sideways on a phone (a long Dutch word that does not wrap would). */
async function assertFits(page: Page, what: string) {
  const { scroll, client, wide } = await page.evaluate(() => {
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent?.slice(0, 40)}`);
    return { scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, wide };
  });
  assert.ok(scroll <= client, `${what}: ${scroll}px wide in ${client}px; sticking out: ${wide.join(' | ')}`);
}

const lang = (page: Page) => page.evaluate(() => document.documentElement.lang);

describe('the app in Dutch and Spanish', { skip: browserMissing() }, () => {
  const env = useServerAndBrowser();
  const handle = `es${Date.now().toString(36).slice(-6)}`;

  it('opens in the browser’s language: Dutch for nl-NL, signed out', async () => {
    const page = await env.newPage({ locale: 'nl-NL', viewport: PHONE });
    await page.goto(`${env.server.url}/`);
    await page.getByRole('heading', { name: 'Earshot — live audio-Spaces' }).waitFor();
    assert.equal(await lang(page), 'nl');
    await page.getByRole('heading', { name: 'Nu live' }).waitFor();
    await page.getByRole('link', { name: 'Een Space starten' }).waitFor();
    await page.getByRole('searchbox', { name: 'Spaces zoeken' }).waitFor();
    await page.getByText('Er zijn nu geen live Spaces. Start er een!').waitFor();
    await page.getByRole('heading', { name: 'Binnenkort' }).waitFor();
    await assertFits(page, 'home nl');
    await page.screenshot({ path: path.join(artifacts, 'i18n-home-nl-phone.png'), fullPage: true });

    // Signed out, Settings still offers the language.
    await page.goto(`${env.server.url}/settings`);
    await page.getByRole('heading', { name: 'Log in om je instellingen te zien' }).waitFor();
    assert.equal(await page.getByLabel('Taal van de app').inputValue(), 'nl');
    assert.equal(await page.title(), 'Instellingen · Earshot');

    // An error the server names by its code is said in Dutch too.
    await page.goto(`${env.server.url}/login`);
    await page.getByLabel('Gebruikersnaam').fill('nobody_here');
    await page.getByLabel('Wachtwoord').fill('not the password');
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.getByRole('alert').filter({ hasText: 'Verkeerde gebruikersnaam of wachtwoord.' }).waitFor();
  });

  it('signs up in Spanish, tells the account its language, and switches to Dutch in Settings', async () => {
    const page = await env.newPage({ locale: 'es-ES', viewport: PHONE });
    await page.goto(`${env.server.url}/signup`);
    await page.getByRole('heading', { name: 'Crea tu cuenta' }).waitFor();
    assert.equal(await lang(page), 'es');
    await page.getByLabel('Usuario').fill(handle);
    await page.getByLabel('Nombre visible').fill('Lucía Fernández');
    await page.getByLabel('Contraseña').fill('listen closely');
    await page.getByRole('button', { name: 'Registrarse' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/signup'));

    await page.goto(`${env.server.url}/`);
    await page.getByText('Hola de nuevo, Lucía Fernández.').waitFor();
    await page.getByRole('heading', { name: 'En directo' }).waitFor();
    await page.getByLabel('Nueva publicación').waitFor();
    await page.getByRole('button', { name: 'Publicar' }).waitFor();
    await page.getByText('Quedan 280 caracteres').waitFor();
    await assertFits(page, 'home es');
    await page.screenshot({ path: path.join(artifacts, 'i18n-home-es-phone.png'), fullPage: true });

    // The account learnt the language the app shows (pushes are written in it).
    const me = async () => page.evaluate(async () => (await (await fetch('/api/me')).json()).user.language);
    await until('the account says es', 5000, async () => (await me()) === 'es');

    await page.goto(`${env.server.url}/settings`);
    await page.getByRole('heading', { name: 'Configuración', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Notificaciones' }).waitFor();
    await page.getByRole('button', { name: 'Crear token' }).waitFor();
    const select = page.getByLabel('Idioma de la aplicación');
    assert.equal(await select.inputValue(), 'es');
    await assertFits(page, 'settings es');
    await page.locator('.notification-settings').screenshot({ path: path.join(artifacts, 'i18n-push-es-phone.png') });
    await page.screenshot({ path: path.join(artifacts, 'i18n-settings-es-phone.png'), fullPage: true });

    await select.selectOption('nl');
    await page.getByRole('heading', { name: 'Instellingen', level: 1 }).waitFor();
    await page.getByText('De taal is nu Nederlands.').waitFor();
    assert.equal(await lang(page), 'nl');
    assert.equal(await page.getByLabel('Taal van de app').inputValue(), 'nl');
    await page.getByRole('button', { name: 'Token maken' }).waitFor();
    await until('the account says nl', 5000, async () => (await me()) === 'nl');
    await assertFits(page, 'settings nl');
    await page.screenshot({ path: path.join(artifacts, 'i18n-settings-nl-phone.png'), fullPage: true });

    // A reload keeps it, although the browser still asks for Spanish.
    await page.reload();
    await page.getByRole('heading', { name: 'Instellingen', level: 1 }).waitFor();
    await page.goto(`${env.server.url}/`);
    await page.getByText('Welkom terug, Lucía Fernández.').waitFor();
  });

  it('follows the account to another device, and back to English from the switch', async () => {
    const page = await env.newPage({ locale: 'en-US' });
    await page.goto(`${env.server.url}/login`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Password').fill('listen closely');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    // The account chose Dutch on the phone: this browser follows.
    await page.goto(`${env.server.url}/settings`);
    await page.getByRole('heading', { name: 'Instellingen', level: 1 }).waitFor();
    assert.equal(await lang(page), 'nl');
    await page.screenshot({ path: path.join(artifacts, 'i18n-settings-nl-desktop.png') });
    await page.getByLabel('Taal van de app').selectOption('en');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByText('Language changed to English.').waitFor();
    assert.equal(await lang(page), 'en');
  });

  it('shows the live room in Spanish on a phone: stage, controls, a request to speak', async () => {
    const tag = Date.now().toString(36).slice(-5);
    const spanish = async (who: string, name: string) => {
      const page = await env.newPage({ locale: 'es-ES', viewport: PHONE });
      await page.goto(`${env.server.url}/signup`);
      await page.getByLabel('Usuario').fill(`${who}${tag}`);
      await page.getByLabel('Nombre visible').fill(name);
      await page.getByLabel('Contraseña').fill('listen closely');
      await page.getByRole('button', { name: 'Registrarse' }).click();
      await page.waitForURL((u) => !u.pathname.startsWith('/signup'));
      return page;
    };
    const host = await spanish('rh', 'Ana Anfitriona');
    await host.goto(`${env.server.url}/spaces/new`);
    await host.getByLabel('Título', { exact: true }).fill('Charla en directo');
    await host.getByRole('radio', { name: /Todos/ }).check();
    await host.getByRole('button', { name: 'Empezar ahora' }).click();
    await host.waitForURL((u) => /^\/spaces\/(?!new$)[^/]+$/.test(u.pathname));
    await host.getByRole('heading', { name: 'Escenario' }).waitFor();
    await host.getByText('Cualquiera puede pedir hablar').waitFor();
    await host.getByRole('button', { name: 'Terminar el Space' }).waitFor();
    await host.getByRole('heading', { name: 'Solicitudes' }).waitFor();
    await host.getByText('Ahora mismo no hay solicitudes para hablar.').waitFor();

    // The host's bar, with the longest strings on a phone: Unmute and End in view, unscrolled.
    await host.evaluate(() => window.scrollTo(0, 0));
    await host.screenshot({ path: path.join(artifacts, 'i18n-room-es-host-phone-bar.png') });
    for (const name of ['Activar micrófono', 'Terminar el Space']) {
      const button = host.locator('.room-controls').getByRole('button', { name });
      await button.waitFor();
      const seen = await button.evaluate((el) => {
        const bar = el.closest('.room-controls') as HTMLElement;
        const b = el.getBoundingClientRect();
        const r = bar.getBoundingClientRect();
        const inside = b.top >= r.top && b.bottom <= r.bottom && b.left >= r.left && b.right <= r.right;
        return { inside, inWindow: b.top >= 0 && b.bottom <= window.innerHeight, scrolled: bar.scrollTop };
      });
      assert.deepEqual(seen, { inside: true, inWindow: true, scrolled: 0 }, name);
    }

    const fan = await spanish('rf', 'Leo Oyente');
    await fan.goto(host.url());
    await fan.getByRole('heading', { name: 'Escenario' }).waitFor();
    await fan.getByRole('button', { name: 'Escuchar' }).waitFor();
    await fan.getByRole('button', { name: 'Reaccionar 🔥' }).waitFor();
    // A toast for the host (Leo follows her) and the stage-change note, at once: neither covers the
    // room's header (the LIVE pill, the title) nor the controls.
    assert.equal(
      await fan.evaluate((h) => fetch(`/api/users/${h}/follow`, { method: 'PUT' }).then((r) => r.status), `rh${tag}`),
      200,
    );
    await fan.getByRole('button', { name: 'Pedir hablar' }).click();
    await host.locator('.toast').waitFor();
    await host.locator('.room-activity').waitFor();
    await host.screenshot({ path: path.join(artifacts, 'i18n-room-es-host-phone-toast.png') });
    await assertFloatsClear(host, 'room es (host)');
    await fan.getByText('Tienes la mano levantada').waitFor();
    await fan.getByRole('button', { name: 'Cancelar la solicitud' }).waitFor();
    await host.getByRole('button', { name: 'Aprobar a Leo Oyente' }).waitFor();
    await host.getByText('Leo Oyente pidió hablar').first().waitFor();

    await assertFits(fan, 'room es (listener)');
    await assertFits(host, 'room es (host)');
    await fan.screenshot({ path: path.join(artifacts, 'i18n-room-es-phone.png'), fullPage: true });
    await host.screenshot({ path: path.join(artifacts, 'i18n-room-es-host-phone.png'), fullPage: true });
  });
});
