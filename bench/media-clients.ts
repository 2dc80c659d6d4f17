// Cheap WebRTC load clients on node-datachannel: a WHEP listener that only counts packets, and a
// WHIP speaker that sends Opus-sized RTP packets at 50 per second (no encoder, no decoder).
import { Audio, PeerConnection, RtcpReceivingSession, type Track } from 'node-datachannel';
import { isRtcp } from '../apps/server/src/media/rtp';
import { retryIceRace } from '../apps/server/test/ice-race';
import { now } from './harness';

async function negotiate(pc: PeerConnection, url: string, cookie?: string) {
  const gathered = new Promise<void>((resolve) =>
    pc.onGatheringStateChange((state) => {
      if (state === 'complete') resolve();
    }),
  );
  pc.setLocalDescription();
  await gathered;
  const postedAt = now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp', ...(cookie && { cookie }) },
    body: pc.localDescription()?.sdp,
  });
  if (res.status !== 201) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  pc.setRemoteDescription(await res.text(), 'answer');
  return { postedAt, location: res.headers.get('location') };
}

/** Clients that started over after libdatachannel's answer race (see retryIceRace); reported. */
export const clientRetries = { count: 0 };
let peers = 0;
const withRetry = <T>(make: () => Promise<T>) =>
  retryIceRace(make, () => {
    clientRetries.count += 1;
  });

/** A listener with `sections` audio tracks (1 = dominant speaker, stage size = one per speaker). */
export const countingListener = (base: string, spaceId: string, sections: number) =>
  withRetry(() => newListener(base, spaceId, sections));

async function newListener(base: string, spaceId: string, sections: number) {
  const pc = new PeerConnection(`listener-${++peers}`, { iceServers: [] });
  const tracks: Track[] = [];
  const listener = { received: 0, postedAt: 0, firstPacketAt: 0, pc, tracks };
  for (let i = 0; i < sections; i++) {
    const audio = new Audio(String(i), 'RecvOnly');
    audio.addOpusCodec(111);
    const track = pc.addTrack(audio);
    // Answers the server's sender reports, as a player does (the server reaps silent peers).
    track.setMediaHandler(new RtcpReceivingSession());
    track.onMessage((packet) => {
      if (isRtcp(packet)) return;
      if (listener.received === 0) listener.firstPacketAt = now();
      listener.received += 1;
    });
    tracks.push(track);
  }
  try {
    listener.postedAt = (await negotiate(pc, `${base}/api/spaces/${spaceId}/whep`)).postedAt;
  } catch (err) {
    pc.close();
    throw err;
  }
  return listener;
}

/** A speaker sending 50 packets/s of 80-byte payloads (an Opus voice frame's size). */
/** `payloads`: Opus packets to send in a loop (real speech); default: 80 bytes of 0x55. */
export const pacedSpeaker = (base: string, spaceId: string, cookie: string, payloads?: Buffer[]) =>
  withRetry(() => newSpeaker(base, spaceId, cookie, payloads));

async function newSpeaker(base: string, spaceId: string, cookie: string, payloads?: Buffer[]) {
  const pc = new PeerConnection(`speaker-${++peers}`, { iceServers: [] });
  const ssrc = 0x10000 + Math.floor(Math.random() * 0xffff);
  const audio = new Audio('0', 'SendOnly');
  audio.addOpusCodec(111);
  audio.addSSRC(ssrc, 'bench-speaker');
  const track = pc.addTrack(audio);
  const opened = new Promise<void>((resolve) => track.onOpen(() => resolve()));
  try {
    await negotiate(pc, `${base}/api/spaces/${spaceId}/whip`, cookie);
  } catch (err) {
    pc.close();
    throw err;
  }
  await opened;
  const packet = Buffer.alloc(12 + 80, 0x55);
  packet[0] = 0x80;
  packet[1] = 111;
  packet.writeUInt32BE(ssrc, 8);
  let seq = 0;
  let ts = 0;
  let startedAt = 0;
  return {
    sent: 0,
    pc,
    track,
    /**
     * Sends every 20 ms frame due by now, as a microphone's clock makes them: a caller's timer that
     * runs late (a loaded machine) sends the frames it owes at once, with their own timestamps,
     * instead of stretching time (the server measures lateness against the timestamps).
     */
    send() {
      const now = performance.now();
      startedAt ||= now - 20;
      for (let due = Math.min(50, Math.floor((now - startedAt) / 20) - seq); due > 0; due--) {
        seq += 1;
        ts += 960;
        packet.writeUInt16BE(seq & 0xffff, 2);
        packet.writeUInt32BE(ts >>> 0, 4);
        const payload = payloads?.[seq % payloads.length];
        const bytes = payload ? Buffer.concat([packet.subarray(0, 12), payload]) : packet;
        if (track.sendMessageBinary(bytes)) this.sent += 1;
      }
    },
  };
}
