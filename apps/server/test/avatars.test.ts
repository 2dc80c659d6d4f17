import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { type Running, signUp, startEarshot } from './helpers';

/** A PNG whose header declares `width`×`height` over a few bytes of data: a decompression bomb's shape. */
function declaredPng(width: number, height: number) {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('profile pictures (PUT /api/me/avatar)', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot();
  });
  after(() => server.close());

  const upload = (cookie: string, body: Buffer, type: string, method = 'PUT') =>
    fetch(`${server.url}/api/me/avatar`, {
      method,
      headers: { cookie, 'content-type': type },
      body: new Uint8Array(body),
    }).then(async (res) => ({ status: res.status, body: await res.json() }));
  const stored = async (userId: string) =>
    (
      await server.earshot.store.db
        .selectFrom('avatars')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
    ).n;

  it('takes a JPEG and a PNG: a 256 px square WebP without EXIF, cached for ever under a versioned URL', async () => {
    const ada = await signUp(server.url, 'avada');
    const photo = await sharp({ create: { width: 640, height: 400, channels: 3, background: '#3366cc' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Earshot test camera', Copyright: 'ada at home' } })
      .toBuffer();
    assert.match((await sharp(photo).metadata()).exif?.toString('latin1') ?? '', /Earshot test camera/);
    const res = await upload(ada.c.cookie, photo, 'image/jpeg');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const url = res.body.user.avatarUrl as string;
    assert.match(url, new RegExp(`^/api/avatars/${ada.user.id}/[0-9a-f]{20}\\.webp$`));
    assert.equal((await ada.c.get('/api/me')).body.user.avatarUrl, url);

    const served = await fetch(server.url + url);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/webp');
    assert.equal(served.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const etag = served.headers.get('etag') ?? '';
    assert.match(etag, /^"[0-9a-f]{20}"$/);
    const image = Buffer.from(await served.arrayBuffer());
    const meta = await sharp(image).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 256, 256]);
    assert.equal(meta.exif, undefined, 'no EXIF left');
    assert.doesNotMatch(image.toString('latin1'), /Earshot test camera|ada at home/);
    assert.equal((await fetch(server.url + url, { headers: { 'if-none-match': etag } })).status, 304);

    // Their posts carry the picture; a new one is a new URL and the old one is gone.
    await ada.c.post('/api/posts', { text: 'new picture' });
    assert.equal((await ada.c.get(`/api/users/${ada.user.handle}/posts`)).body.items[0].author.avatarUrl, url);
    const png = await sharp({ create: { width: 300, height: 900, channels: 4, background: '#ff000080' } })
      .png()
      .toBuffer();
    const again = await upload(ada.c.cookie, png, 'image/png', 'POST');
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.notEqual(again.body.user.avatarUrl, url);
    assert.equal((await fetch(server.url + url)).status, 404);
    assert.equal((await fetch(server.url + again.body.user.avatarUrl)).status, 200);
    assert.equal(await stored(ada.user.id), 1);

    const removed = await ada.c.delete('/api/me/avatar');
    assert.equal(removed.status, 200);
    assert.equal(removed.body.user.avatarUrl, undefined);
    assert.equal(await stored(ada.user.id), 0);
  });

  it('travels with the person: a Space’s host, stage and raised hands, and their conversations', async () => {
    const host = await signUp(server.url, 'avhost');
    const fan = await signUp(server.url, 'avfan');
    const picture = (background: string) =>
      sharp({ create: { width: 64, height: 64, channels: 3, background } })
        .png()
        .toBuffer();
    const hostUrl = (await upload(host.c.cookie, await picture('#225588'), 'image/png')).body.user.avatarUrl;
    const fanUrl = (await upload(fan.c.cookie, await picture('#885522'), 'image/png')).body.user.avatarUrl;
    assert.ok(hostUrl && fanUrl && hostUrl !== fanUrl);

    const id = (await host.c.post('/api/spaces', { title: 'Faces', speakerPolicy: 'everyone' })).body.space.id;
    await host.c.post(`/api/spaces/${id}/start`, {});
    assert.equal((await fan.c.post(`/api/spaces/${id}/request-speak`, {})).status, 200);
    const asked = (await fan.c.get(`/api/spaces/${id}`)).body.space;
    assert.equal(asked.host.avatarUrl, hostUrl);
    assert.equal(asked.stage[0].user.avatarUrl, hostUrl);
    assert.equal(asked.raisedHands[0].avatarUrl, fanUrl);
    assert.equal((await host.c.post(`/api/spaces/${id}/approve`, { userId: fan.user.id })).status, 200);
    const onStage = (await fan.c.get(`/api/spaces/${id}`)).body.space.stage;
    assert.equal(onStage.find((m: { user: { id: string } }) => m.user.id === fan.user.id)?.user.avatarUrl, fanUrl);

    assert.equal((await fan.c.post(`/api/dms/${host.user.handle}`, { text: 'nice picture' })).status, 201);
    const [conversation] = (await host.c.get('/api/dms')).body.items;
    assert.equal(conversation.with.avatarUrl, fanUrl);
    assert.equal(conversation.lastMessage.to.avatarUrl, hostUrl);
  });

  it('refuses too big, not an image (text renamed .png), damaged, and bomb-sized pictures, storing nothing', async () => {
    const bob = await signUp(server.url, 'avbob');
    const big = Buffer.concat([
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
      Buffer.alloc(5 * 1024 * 1024 + 10),
    ]);
    const good = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer();
    const cases: Array<[string, Buffer, string, number, string]> = [
      ['too big', big, 'image/png', 413, 'image_too_large'],
      ['text renamed .png', Buffer.from('hello, I am a text file\n'), 'image/png', 415, 'unsupported_image'],
      ['HTML sent as a JPEG', Buffer.from('<html></html>'), 'image/jpeg', 415, 'unsupported_image'],
      ['damaged', good.subarray(0, 40), 'image/png', 422, 'invalid_image'],
      ['bomb dimensions', declaredPng(60_000, 60_000), 'image/png', 422, 'image_dimensions'],
      ['wrong content type', good, 'text/plain', 415, 'unsupported_image'],
    ];
    for (const [what, body, type, status, code] of cases) {
      const res = await upload(bob.c.cookie, body, type);
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code, what);
      assert.ok(res.body.error.message.length > 10, what);
    }
    assert.equal(await stored(bob.user.id), 0);
    assert.equal((await bob.c.get('/api/me')).body.user.avatarUrl, undefined);
    // Signed out: nobody's picture changes.
    const anon = await fetch(`${server.url}/api/me/avatar`, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: good,
    });
    assert.equal(anon.status, 401);
    assert.equal((await fetch(`${server.url}/api/avatars/${bob.user.id}/0123456789abcdef0123.webp`)).status, 404);
  });
});
