// A Janus streaming-plugin listener on node-datachannel, counting packets like the Earshot
// listeners of bench/media-clients.ts: over Janus's HTTP API it creates a session, attaches the
// streaming plugin, asks to watch a mountpoint, answers Janus's offer and starts.
import { PeerConnection, RtcpReceivingSession, type Track } from 'node-datachannel';
import { isRtcp } from '../../apps/server/src/media/rtp';
import { now } from '../harness';

type Reply = { janus: string; data?: { id: number }; jsep?: { type: string; sdp: string }; error?: unknown };

let transactions = 0;
async function post(url: string, body: Record<string, unknown>): Promise<Reply> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, transaction: `t${++transactions}` }),
  });
  const reply = (await res.json()) as Reply;
  if (reply.janus === 'error') throw new Error(`janus ${body.janus}: ${JSON.stringify(reply.error)}`);
  return reply;
}

/** Long-polls the session until an event carries a JSEP offer. */
async function offerFrom(session: string) {
  for (let i = 0; i < 20; i++) {
    const events = (await (await fetch(`${session}?maxev=10`)).json()) as Reply | Reply[];
    for (const e of [events].flat()) if (e.jsep?.type === 'offer') return e.jsep.sdp;
  }
  throw new Error('janus sent no offer');
}

let peers = 0;
/** A listener of mountpoint `mountpoint` on the Janus at `base` (its `/janus` HTTP endpoint). */
export async function janusListener(base: string, mountpoint: number) {
  const session = `${base}/${(await post(base, { janus: 'create' })).data?.id}`;
  const handle = `${session}/${(await post(session, { janus: 'attach', plugin: 'janus.plugin.streaming' })).data?.id}`;
  await post(handle, { janus: 'message', body: { request: 'watch', id: mountpoint } });
  const offer = await offerFrom(session);
  const pc = new PeerConnection(`janus-listener-${++peers}`, { iceServers: [] });
  // Held here: a track only its callbacks refer to is collected, and stops counting.
  const tracks: Track[] = [];
  const listener = { received: 0, postedAt: now(), firstPacketAt: 0, pc, tracks };
  pc.onTrack((track) => {
    tracks.push(track);
    // Answers Janus's sender reports, as a player does.
    track.setMediaHandler(new RtcpReceivingSession());
    track.onMessage((packet) => {
      if (isRtcp(packet)) return;
      if (listener.received === 0) listener.firstPacketAt = now();
      listener.received += 1;
    });
  });
  const gathered = new Promise<void>((resolve) =>
    pc.onGatheringStateChange((state) => {
      if (state === 'complete') resolve();
    }),
  );
  try {
    pc.setRemoteDescription(offer, 'offer');
    await gathered;
    const answer = pc.localDescription()?.sdp;
    await post(handle, { janus: 'message', body: { request: 'start' }, jsep: { type: 'answer', sdp: answer } });
    // Every candidate is in the answer: tell Janus not to wait for more.
    await post(handle, { janus: 'trickle', candidate: { completed: true } });
  } catch (err) {
    pc.close();
    throw err;
  }
  return listener;
}
