import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fillIndex, spaceMeta, spaceMoment } from '../src/share/card';
import { type Running, signUp, startEarshot } from './helpers';

// The shape of Vite's build of apps/web/index.html (the browser test serves the real one).
const INDEX = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="description" content="Earshot — live audio Spaces" />
    <title>Earshot</title>
    <script type="module" crossorigin src="/assets/index-abc.js"></script>
  </head>
  <body><div id="root"></div></body>
</html>`;

const decode = (s: string) =>
  s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');

/** The head's tags as a crawler reads them, and whatever else is in the head. */
function readHead(html: string) {
  const head = /<head>([\s\S]*)<\/head>/.exec(html)?.[1] ?? '';
  const tags = new Map<string, string>();
  for (const m of head.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)" \/>/g))
    tags.set(m[1] as string, decode(m[2] as string));
  const title = decode(/<title>([^<]*)<\/title>/.exec(head)?.[1] ?? '');
  // Remove every element we expect; any "<" left would be markup that came from data.
  const rest = head
    .replace(/<meta [^<>]*\/?>/g, '')
    .replace(/<link [^<>]*\/>/g, '')
    .replace(/<title>[^<]*<\/title>/, '')
    .replace(/<script type="module" crossorigin src="\/assets\/index-abc.js"><\/script>/, '');
  return { tags, title, rest: rest.trim() };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const CRAWLERS = [
  'Twitterbot/1.0',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  '',
];

describe('share cards', () => {
  let server: Running;
  const webDir = mkdtempSync(path.join(tmpdir(), 'earshot-web-'));
  writeFileSync(path.join(webDir, 'index.html'), INDEX);

  before(async () => {
    server = await startEarshot({ WEB_DIR: webDir });
  });
  after(async () => {
    await server?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  const crawl = async (pathname: string, ua = 'Twitterbot/1.0') => {
    const res = await fetch(server.url + pathname, { headers: ua ? { 'user-agent': ua } : {} });
    return { status: res.status, type: res.headers.get('content-type'), html: await res.text() };
  };

  it('gives a crawler the Space’s tags in the head, every value escaped, with absolute URLs', async () => {
    const host = await signUp(server.url, 'host');
    const title = `</title><script>alert("x")</script> & 'q' $& ü`;
    const created = await host.c.post('/api/spaces', { title, topics: ['radio'] });
    const id = created.body.space.id as string;
    await host.c.post(`/api/spaces/${id}/start`, {});
    for (const ua of CRAWLERS) {
      const { status, type, html } = await crawl(`/spaces/${id}`, ua);
      assert.equal(status, 200);
      assert.match(type ?? '', /^text\/html/);
      const { tags, title: pageTitle, rest } = readHead(html);
      assert.equal(rest, '', 'nothing but the expected elements in the head');
      assert.equal(pageTitle, `${title} · Earshot`);
      assert.equal(tags.get('og:title'), `${title} · Earshot`);
      assert.equal(tags.get('twitter:card'), 'summary_large_image');
      assert.equal(tags.get('og:url'), `${server.url}/spaces/${id}`);
      assert.match(
        tags.get('og:image') ?? '',
        new RegExp(`^${server.url}/api/spaces/${id}/card\\.png\\?v=[\\w-]{16}$`),
      );
      assert.equal(tags.get('twitter:image'), tags.get('og:image'));
      assert.equal(tags.get('og:description'), `Live now · hosted by host name (@${host.user.handle}) · 0 listeners`);
      assert.equal(tags.get('description'), tags.get('og:description'), 'the app’s own description gave way');
      assert.equal(html.match(/<script/g)?.length, 1, 'only the app’s own script');
      assert.ok(!html.includes('<script>alert'));
    }
  });

  it('draws a 1200×630 PNG per Space state, and a new one when the state changes', async () => {
    const host = await signUp(server.url, 'host');
    const created = await host.c.post('/api/spaces', { title: 'Card test', topics: ['a', 'b'] });
    const id = created.body.space.id as string;
    await host.c.post(`/api/spaces/${id}/start`, {});
    const live = readHead((await crawl(`/spaces/${id}`)).html).tags;
    const image = live.get('og:image') as string;
    const res = await fetch(image);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    const first = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(pngSize(first), { width: 1200, height: 630 });
    const again = Buffer.from(await (await fetch(image)).arrayBuffer());
    assert.ok(again.equals(first), 'the same state gives the same picture');

    await host.c.post(`/api/spaces/${id}/end`, {});
    const ended = readHead((await crawl(`/spaces/${id}`)).html).tags;
    assert.match(ended.get('og:description') ?? '', /^Ended · hosted by .* · This Space has ended$/);
    assert.notEqual(ended.get('og:image'), image, 'a new state, a new image URL');
    const after = Buffer.from(await (await fetch(ended.get('og:image') as string)).arrayBuffer());
    assert.deepEqual(pngSize(after), { width: 1200, height: 630 });
    assert.ok(!after.equals(first));
  });

  it('gives a profile its card, with HTML in the name kept as text', async () => {
    const person = await signUp(server.url, 'pro');
    const name = '<img src=x onerror=alert(1)>';
    assert.equal((await person.c.patch('/api/me', { displayName: name, bio: 'Says "hi" & <b>bye</b>' })).status, 200);
    const { status, html } = await crawl(`/u/${person.user.handle}`, 'facebookexternalhit/1.1');
    assert.equal(status, 200);
    const { tags, rest } = readHead(html);
    assert.equal(rest, '');
    assert.equal(tags.get('og:title'), `${name} (@${person.user.handle}) · Earshot`);
    assert.equal(tags.get('og:type'), 'profile');
    assert.equal(tags.get('og:description'), 'Says "hi" & <b>bye</b> · 0 followers · 0 following');
    assert.ok(!html.includes('<img'));
    const png = Buffer.from(await (await fetch(tags.get('og:image') as string)).arrayBuffer());
    assert.deepEqual(pngSize(png), { width: 1200, height: 630 });
  });

  it('speaks the reader’s language (Accept-Language), and its picture follows via ?lang=', async () => {
    const host = await signUp(server.url, 'lang');
    const created = await host.c.post('/api/spaces', { title: 'Radio', topics: [] });
    const id = created.body.space.id as string;
    await host.c.post(`/api/spaces/${id}/start`, {});
    const read = async (language: string, lang: string) => {
      const res = await fetch(`${server.url}/spaces/${id}`, { headers: { 'accept-language': language } });
      assert.match(res.headers.get('vary') ?? '', /accept-language/);
      const html = await res.text();
      assert.match(html, new RegExp(`<html lang="${lang}">`), 'the page says its language');
      return readHead(html).tags;
    };
    const es = await read('es-ES,es;q=0.9', 'es');
    assert.equal(es.get('og:description'), `En directo · presenta lang name (@${host.user.handle}) · 0 oyentes`);
    assert.match(es.get('og:image') ?? '', /&lang=es$/);
    assert.equal(es.get('og:locale'), 'es_ES');
    const nl = await read('nl-NL', 'nl');
    assert.equal(nl.get('og:description'), `Nu live · host lang name (@${host.user.handle}) · 0 luisteraars`);
    const other = await read('fr-FR, de;q=0.8', 'en');
    assert.equal(other.get('og:description'), `Live now · hosted by lang name (@${host.user.handle}) · 0 listeners`);
    assert.doesNotMatch(other.get('og:image') ?? '', /lang=/, 'English needs no parameter');
    // The picture is drawn in the language of its URL, whatever the fetcher sends, so nl ≠ en.
    const png = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
    const [esPng, enPng] = await Promise.all([png(es.get('og:image') as string), png(other.get('og:image') as string)]);
    assert.deepEqual(pngSize(esPng), { width: 1200, height: 630 });
    assert.ok(!esPng.equals(enPng), 'the Spanish card is another picture');
    assert.notEqual(es.get('og:image')?.split('&')[0], other.get('og:image'), 'and another cache key');
    const profile = readHead(
      await (await fetch(`${server.url}/u/${host.user.handle}`, { headers: { 'accept-language': 'nl' } })).text(),
    ).tags;
    assert.equal(profile.get('og:description'), 'Live audio-Spaces op Earshot · 0 volgers · volgt 0');
  });

  it('answers unknown Spaces and people with the plain app, like other app pages', async () => {
    for (const p of ['/spaces/nope', '/u/nobody_here']) {
      const { status, html } = await crawl(p);
      assert.equal(status, 200, p);
      assert.equal(html, INDEX);
    }
    assert.equal((await crawl('/spaces/new')).status, 200);
    assert.equal((await crawl('/spaces/new')).html, INDEX);
    assert.equal((await fetch(`${server.url}/api/spaces/nope/card.png`)).status, 404);
    assert.equal((await fetch(`${server.url}/api/users/nobody_here/card.png`)).status, 404);
  });
});

describe('share card texts', () => {
  const space = {
    id: 's1',
    title: 'Panel',
    topics: [],
    host: { displayName: 'Ada', handle: 'ada' },
    listenerCount: 3,
  };
  it('says when a scheduled Space starts and how many set a reminder', () => {
    const m = spaceMoment({ ...space, status: 'scheduled', scheduledFor: '2026-12-08T18:00:00Z', reminderCount: 1 });
    assert.deepEqual(m, { badge: 'SCHEDULED', live: false, detail: 'Tue, 8 Dec 2026, 18:00 UTC · 1 reminder set' });
    assert.equal(spaceMoment({ ...space, status: 'live' }).detail, '3 listeners');
    assert.equal(spaceMoment({ ...space, status: 'ended', replay: true }).detail, 'Replay available');
  });
  it('writes the card in Dutch and Spanish, with their dates and plurals', () => {
    const at = { ...space, status: 'scheduled', scheduledFor: '2026-12-08T18:00:00Z', reminderCount: 2 };
    assert.equal(spaceMoment(at, 'nl').detail, 'di 8 dec 2026, 18:00 UTC · 2 herinneringen ingesteld');
    assert.equal(spaceMoment(at, 'es').badge, 'PROGRAMADO');
    assert.match(spaceMoment(at, 'es').detail, /^mar, 8 dic 2026, 18:00 UTC · 2 recordatorios activados$/);
    assert.equal(spaceMoment({ ...space, status: 'live', listenerCount: 1 }, 'es').detail, '1 oyente');
    assert.equal(
      spaceMoment({ ...space, status: 'live', listenerCount: 1_000_000 }, 'es').detail,
      '1.000.000 de oyentes',
    );
  });
  it('keeps $ patterns in titles as text', () => {
    const meta = spaceMeta({ ...space, title: "$' $& $1", status: 'live' }, 'https://x/spaces/s1', 'https://x/i.png');
    const html = fillIndex(INDEX, meta);
    assert.equal(readHead(html).title, "$' $& $1 · Earshot");
  });
});
