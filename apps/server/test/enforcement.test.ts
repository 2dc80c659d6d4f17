import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Client,
  exitWhenDone,
  type Running,
  mediaRoom as roomOf,
  signUp,
  startEarshot,
  uniqueHandle,
  watch,
} from './helpers';
import { connected, listen, publishTone, type Signal, until } from './media-bots';

/**
 * Blocks from a profile and moderators' suspensions reach the live room and its media at once
 * (real libwebrtc peers on WHIP/WHEP).
 */
describe('enforcement beyond the room state', () => {
  let server: Running;
  const moderator = uniqueHandle('emod');
  before(async () => {
    server = await startEarshot({ MODERATORS: moderator, PRESENCE_GRACE_MS: '300' });
  });
  after(() => server.close());
  exitWhenDone();

  const liveSpace = async (host: Client, title = 'Enforced') => {
    const res = await host.post('/api/spaces', { title });
    const id = res.body.space.id as string;
    assert.equal((await host.post(`/api/spaces/${id}/start`, {})).status, 200);
    return id;
  };
  const signal =
    (kind: 'whip' | 'whep', id: string, client: Client): Signal =>
    async (offer) => {
      const res = await client.request('POST', `/api/spaces/${id}/${kind}`, offer, {
        'content-type': 'application/sdp',
      });
      if (res.status !== 201) throw Object.assign(new Error(`${res.status} ${JSON.stringify(res.body)}`), res);
      return res.body as string;
    };
  const mediaRoom = (id: string) => roomOf(server, id);
  /** `person` on the stage of `id`, unmuted and publishing a tone; their own socket watches the room. */
  const onStage = async (host: Client, id: string, person: { c: Client; user: { id: string } }) => {
    assert.equal((await person.c.post(`/api/spaces/${id}/request-speak`, {})).status, 200);
    assert.equal((await host.post(`/api/spaces/${id}/approve`, { userId: person.user.id })).status, 200);
    await person.c.post(`/api/spaces/${id}/unmute`, { userId: person.user.id });
    const mic = await publishTone(signal('whip', id, person.c));
    await connected(mic.pc);
    await until(() => (mediaRoom(id)?.peersOf(person.user.id).length ?? 0) === 1, 5000, 'publisher in the room');
    return mic;
  };

  it('a block from the host’s profile takes the person off stage, closes their socket and every media session', async () => {
    const host = await signUp(server.url, 'ebh');
    const sam = await signUp(server.url, 'ebs');
    const id = await liveSpace(host.c);
    const mic = await onStage(host.c, id, sam);
    const ears = await listen(signal('whep', id, sam.c));
    await connected(ears.pc);
    const samView = await watch(server.url, id, sam.c);
    assert.equal(mediaRoom(id)?.peersOf(sam.user.id).length, 2);
    const hls = `/api/spaces/${id}/hls/live.m3u8`;
    assert.equal((await sam.c.get(hls)).status, 200, 'listening on HLS too');

    assert.equal((await host.c.put(`/api/users/${sam.user.handle}/block`)).status, 200);
    await until(() => mediaRoom(id)?.peersOf(sam.user.id).length === 0, 1000, 'every session of the blocked closed');
    await samView.until(() => samView.view.closeCode === 4403, 2000);
    const { body } = await host.c.get(`/api/spaces/${id}`);
    assert.ok(!body.space.stage.some((m: any) => m.user.id === sam.user.id), 'off stage');
    await assert.rejects(listen(signal('whep', id, sam.c)), (err: { status: number }) => err.status === 403);
    const refused = await sam.c.get(hls);
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'forbidden'], 'HLS refused at once');
    mic.close();
    ears.close();
  });

  it('a suspension takes the person off others’ stages (microphone closed) and ends the Space they host; moderators do not decide their own case', async () => {
    const host = await signUp(server.url, 'esh');
    const kim = await signUp(server.url, 'esk');
    const mod = await signUp(server.url, 'emod', moderator);
    const id = await liveSpace(host.c);
    const mic = await onStage(host.c, id, kim);
    const kimsOwn = await liveSpace(kim.c, 'Kim’s own');
    const hostView = await watch(server.url, id, host.c);

    // A report about the moderator, and one about a Space the moderator hosts: not theirs to decide.
    const modSpace = await liveSpace(mod.c, 'Moderated');
    assert.equal((await host.c.post(`/api/spaces/${id}/report`, { userId: mod.user.id, reason: 'rude' })).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${modSpace}/report`, { reason: 'spam' })).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${id}/report`, { userId: kim.user.id, reason: 'abuse' })).status, 200);
    const queue = (await mod.c.get('/api/moderation/reports')).body.items as any[];
    const about = (pred: (r: any) => boolean) => queue.find(pred)?.id as string;
    const decision = { verdict: 'violation', reason: 'seen it', suspend: true };
    for (const own of [about((r) => r.reportedUser?.id === mod.user.id), about((r) => r.space.id === modSpace)]) {
      const res = await mod.c.post(`/api/moderation/reports/${own}/decision`, decision);
      assert.equal(res.status, 403, JSON.stringify(res.body));
    }

    const res = await mod.c.post(
      `/api/moderation/reports/${about((r) => r.reportedUser?.id === kim.user.id)}/decision`,
      decision,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await until(
      () => mediaRoom(id)?.peersOf(kim.user.id).length === 0,
      1000,
      'the suspended speaker’s microphone closed',
    );
    await hostView.until(() => !hostView.view.state?.stage.some((m) => m.user.id === kim.user.id));
    assert.equal((await kim.c.get(`/api/spaces/${kimsOwn}`)).body.space.status, 'ended', 'their own Space ended');
    // A suspended account may still listen.
    const ears = await listen(signal('whep', id, kim.c));
    ears.close();
    mic.close();
  });

  it('a host suspended outside the server (npm run admin) can still end their Space', async () => {
    const host = await signUp(server.url, 'esa');
    const id = await liveSpace(host.c);
    await server.earshot.store.db
      .updateTable('users')
      .set({ suspended_at: new Date() })
      .where('id', '=', host.user.id)
      .execute();
    assert.equal((await host.c.post(`/api/spaces/${id}/mute`, { userId: host.user.id })).status, 403);
    assert.equal((await host.c.post(`/api/spaces/${id}/end`, {})).status, 200);
  });
});
