import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RoomState } from '@earshot/protocol';
import { manualClock } from '../src/clock';
import { type Client, type Running, signUp, startEarshot, watch } from './helpers';

const MIN = 60_000;

/** A server whose jobs run when the test says: `later(ms)` moves the clock and runs what is due. */
async function world(servers: Running[], minutes: string) {
  const clock = manualClock(new Date());
  const server = await startEarshot(
    { JOBS_POLL_MS: '60000', HOST_ABSENT_END_MINUTES: minutes, PRESENCE_GRACE_MS: '0' },
    { clock },
  );
  servers.push(server);
  const later = async (ms: number) => {
    clock.advance(ms);
    await server.earshot.jobs.runDue();
  };
  return { server, url: server.url, later };
}

async function liveSpace(host: Client) {
  const made = await host.post('/api/spaces', { title: 'Absence test', topics: [], speakerPolicy: 'everyone' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const id = made.body.space.id as string;
  assert.equal((await host.post(`/api/spaces/${id}/start`, {})).status, 200);
  return id;
}

const status = async (c: Client, id: string) => (await c.get(`/api/spaces/${id}`)).body.space as RoomState;

describe('a Space without its hosts ends by itself after HOST_ABSENT_END_MINUTES', () => {
  const servers: Running[] = [];
  after(async () => {
    for (const s of servers.reverse()) await s.close();
  });

  it('a host who comes back within the window keeps it; a co-host carries it; nobody → ended, and why', async () => {
    const w = await world(servers, '5');
    const host = await signUp(w.url, 'abh');
    const cohost = await signUp(w.url, 'abc');
    const speaker = await signUp(w.url, 'abs');
    const fan = await signUp(w.url, 'abf');
    const id = await liveSpace(host.c);

    // The host connected the whole time: nothing ends however long it runs.
    let hostSocket = await watch(w.url, id, host.c);
    await w.later(6 * MIN);
    await w.later(6 * MIN);
    assert.equal((await status(fan.c, id)).status, 'live');

    // The host drops, and comes back within the window: still live.
    hostSocket.close();
    await hostSocket.until(() => hostSocket.view.closeCode !== 0);
    await w.later(3 * MIN);
    hostSocket = await watch(w.url, id, host.c);
    await w.later(3 * MIN);
    assert.equal((await status(fan.c, id)).status, 'live');

    // A co-host carries on without the host; a speaker alone would not.
    assert.equal((await host.c.post(`/api/spaces/${id}/add-cohost`, { handle: cohost.user.handle })).status, 200);
    assert.equal((await cohost.c.post(`/api/spaces/${id}/accept-invite`, {})).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${id}/invite`, { handle: speaker.user.handle })).status, 200);
    assert.equal((await speaker.c.post(`/api/spaces/${id}/accept-invite`, {})).status, 200);
    const cohostSocket = await watch(w.url, id, cohost.c);
    const speakerSocket = await watch(w.url, id, speaker.c);
    const fanSocket = await watch(w.url, id, fan.c);
    hostSocket.close();
    await w.later(4 * MIN);
    await w.later(4 * MIN);
    assert.equal((await status(fan.c, id)).status, 'live', 'the co-host keeps it live');

    cohostSocket.close();
    await cohostSocket.until(() => cohostSocket.view.closeCode !== 0);
    await w.later(4 * MIN);
    assert.equal((await status(fan.c, id)).status, 'live', 'within the window');
    await w.later(2 * MIN);
    const ended = await status(fan.c, id);
    assert.equal(ended.status, 'ended', 'only a speaker and a listener left, past the window');
    assert.equal(ended.endReason, 'hosts_absent');
    // Listeners are told, with the reason, and let go.
    await fanSocket.until(() => fanSocket.view.closeCode !== 0);
    const event = fanSocket.view.messages.find((m) => m.type === 'event' && m.event.kind === 'ended');
    assert.equal(event?.event.reason, 'hosts_absent');
    assert.equal(fanSocket.view.state?.endReason, 'hosts_absent');
    speakerSocket.close();
  });

  it("the host's own end says so; HOST_ABSENT_END_MINUTES=0 never ends a Space", async () => {
    const w = await world(servers, '0');
    const host = await signUp(w.url, 'abz');
    const fan = await signUp(w.url, 'abq');
    const id = await liveSpace(host.c);
    await w.later(60 * MIN);
    await w.later(24 * 60 * MIN);
    assert.equal((await status(fan.c, id)).status, 'live');
    assert.equal((await host.c.post(`/api/spaces/${id}/end`, {})).status, 200);
    const ended = await status(fan.c, id);
    assert.equal(ended.status, 'ended');
    assert.equal(ended.endReason, 'host');
  });
});
