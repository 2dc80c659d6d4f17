import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, exitWhenDone, type Running, refusal, signUp, startEarshot, watch } from './helpers';
import { sampleOffer } from './media-bots';
import { recordingReady } from './recordings';
import { drainJobs, grantedHost, ticketedSpace, topUp } from './tickets-helpers';

/**
 * Who a ticketed Space lets in, on every path a person can take: the live socket (and its
 * commands), WHEP, LL-HLS, the recording and the transcript, for each kind of person.
 */
describe('ticketed Space: access matrix over HTTP, WebSocket, WHEP and HLS', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot({ JOBS_POLL_MS: '200' });
  });
  after(() => server.close());
  exitWhenDone();

  it('holder, second device, host, co-host, invited speaker in; non-holder, refunded, shared link, anonymous out', async () => {
    const host = await grantedHost(server, 'ahost');
    const id = await ticketedSpace(host, { priceMinor: 500, capacity: 10 }, 'Members only');
    const [holder, refunded, nonholder, cohost, speaker] = await Promise.all(
      ['aholder', 'arefund', 'anon', 'acohost', 'aspeak'].map((p) => signUp(server.url, p)),
    );
    if (!holder || !refunded || !nonholder || !cohost || !speaker) throw new Error('sign-ups');
    for (const p of [holder, refunded]) {
      await topUp(server, p.user.handle, 500);
      assert.equal((await p.c.post(`/api/spaces/${id}/tickets`)).status, 201);
    }
    const theirs = (await refunded.c.get('/api/me/tickets')).body.items[0];
    assert.equal((await refunded.c.post(`/api/tickets/${theirs.id}/refund`)).status, 202);
    await drainJobs(server);
    // The holder's second device: the same person, logged in again.
    const secondDevice = new Client(server.url);
    const login = await secondDevice.post('/api/auth/login', { handle: holder.user.handle, password: 'correct horse' });
    assert.equal(login.status, 200);

    assert.equal((await host.c.post(`/api/spaces/${id}/start`, {})).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${id}/add-cohost`, { userId: cohost.user.id })).status, 200);
    assert.equal((await cohost.c.post(`/api/spaces/${id}/accept-invite`, {})).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${id}/invite`, { userId: speaker.user.id })).status, 200);
    const anonymous = new Client(server.url);

    const admitted = { host: host.c, cohost: cohost.c, invited: speaker.c, holder: holder.c, secondDevice };
    const refused = { nonholder: nonholder.c, refunded: refunded.c, anonymous };

    // The card is public: price and seats left for everyone, the ticket only for its holder.
    for (const c of [nonholder.c, anonymous]) {
      const card = (await c.get(`/api/spaces/${id}`)).body;
      assert.equal(card.space.title, 'Members only');
      assert.deepEqual([card.ticketing.remaining, card.ticketing.youHaveTicket], [9, false]);
    }
    assert.equal((await secondDevice.get(`/api/spaces/${id}`)).body.ticketing.youHaveTicket, true);

    for (const [who, c] of Object.entries(admitted)) {
      const live = await watch(server.url, id, c);
      await live.until(() => live.view.state !== null);
      assert.equal(live.view.state?.status, 'live', `${who}: socket`);
      live.close();
      const whep = await c.request('POST', `/api/spaces/${id}/whep`, await sampleOffer('recvonly'), {
        'content-type': 'application/sdp',
      });
      assert.equal(whep.status, 201, `${who}: WHEP ${JSON.stringify(whep.body)}`);
      assert.equal((await c.delete(String(whep.headers.get('location')))).status, 204);
      const hls = await c.get(`/api/spaces/${id}/hls/live.m3u8`);
      assert.equal(hls.status, 200, `${who}: HLS ${JSON.stringify(hls.body)}`);
    }
    for (const [who, c] of Object.entries(refused)) {
      const socket = await refusal(server.url, id, c);
      assert.deepEqual([socket.status, socket.body.error.code], [403, 'ticket_required'], `${who}: socket`);
      const whep = await c.request('POST', `/api/spaces/${id}/whep`, await sampleOffer('recvonly'), {
        'content-type': 'application/sdp',
      });
      assert.deepEqual([whep.status, whep.body.error.code], [403, 'ticket_required'], `${who}: WHEP`);
      for (const file of ['live.m3u8', 'live.m3u8?_HLS_msn=1&_HLS_part=0', 'any/init.mp4']) {
        const hls = await c.get(`/api/spaces/${id}/hls/${file}`);
        assert.deepEqual([hls.status, hls.body.error.code], [403, 'ticket_required'], `${who}: HLS ${file}`);
      }
      if (who === 'anonymous') continue;
      const hand = await c.post(`/api/spaces/${id}/request-speak`, {});
      assert.deepEqual([hand.status, hand.body.error.code], [403, 'ticket_required'], `${who}: commands`);
    }

    // The invited speaker takes the stage and ends the Space on it, like the co-host.
    assert.equal((await speaker.c.post(`/api/spaces/${id}/accept-invite`, {})).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${id}/end`, {})).status, 200);
    await recordingReady(host.c, id);
    assert.equal((await host.c.patch(`/api/spaces/${id}/recording`, { public: true })).status, 200);
    for (const [who, c] of Object.entries(admitted))
      for (const path of ['recording/info', 'recording?format=opus', 'transcript?format=json'])
        assert.equal((await c.get(`/api/spaces/${id}/${path}`)).status, 200, `${who}: ${path}`);
    for (const [who, c] of Object.entries(refused)) {
      for (const path of ['recording/info', 'recording?format=opus', 'transcript?format=json']) {
        const res = await c.get(`/api/spaces/${id}/${path}`);
        assert.deepEqual([res.status, res.body?.error?.code], [403, 'ticket_required'], `${who}: ${path}`);
      }
    }
  });
});
