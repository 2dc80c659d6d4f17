import wrtc from '@roamhq/wrtc';
import type { Client } from './helpers';
import { retryIceRace } from './ice-race';

/**
 * Real WebRTC peers for tests and benchmarks: libwebrtc (through @roamhq/wrtc) encodes and decodes
 * Opus like a browser does. `signal` posts an offer (WHIP or WHEP) and returns the answer.
 */
export type Signal = (offer: string) => Promise<string>;

/** Publishing to a Space's WHIP endpoint as `client` (a signed-in test client). */
const signalOf =
  (kind: 'whip' | 'whep') =>
  (spaceId: string, client: { request: Client['request'] }): Signal =>
  async (offer) => {
    const res = await client.request('POST', `/api/spaces/${spaceId}/${kind}`, offer, {
      'content-type': 'application/sdp',
    });
    if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res.body as string;
  };
/** Publishes through WHIP as `client`; listens through WHEP as `client` (a `new Client(url)` is signed out). */
export const whip = signalOf('whip');
export const whep = signalOf('whep');

const SAMPLE_RATE = 48_000;
/**
 * wrtc aborts the process when it finalizes an RTCAudioSource that was used (SIGABRT in a GC
 * finalizer): closed bots stay referenced here until the process exits.
 */
const retained: unknown[] = [];
const FRAME = 480; // 10 ms, what RTCAudioSource takes per call

/** Offers with every candidate gathered (no trickle, as WHIP/WHEP clients without PATCH do). */
export async function offerAndAnswer(pc: RTCPeerConnection, signal: Signal) {
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const timer = setTimeout(resolve, 2000);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const answer = await signal(pc.localDescription!.sdp);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
}

export function connected(pc: RTCPeerConnection, timeoutMs = 10_000) {
  return new Promise<void>((resolve, reject) => {
    if (pc.connectionState === 'connected') return resolve();
    const timer = setTimeout(
      () => reject(new Error(`not connected after ${timeoutMs} ms (${pc.connectionState})`)),
      timeoutMs,
    );
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** A speaker bot: `fill` writes each 10 ms frame (48 kHz mono) just before it goes to the encoder. */
export async function publishAudio(signal: Signal, fill: (samples: Int16Array) => void) {
  const pc = new wrtc.RTCPeerConnection();
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  retained.push(pc, source, track);
  pc.addTransceiver(track, { direction: 'sendonly' });
  // Frames follow the wall clock like a microphone: a late timer sends the frames it owes.
  const startedAt = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor((performance.now() - startedAt) / 10);
    for (; sent < due; sent++) {
      const samples = new Int16Array(FRAME);
      fill(samples);
      source.onData({ samples, sampleRate: SAMPLE_RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: FRAME });
    }
  }, 10);
  const close = () => {
    clearInterval(timer);
    track.stop();
    pc.close();
  };
  try {
    await offerAndAnswer(pc, signal);
  } catch (err) {
    close();
    throw err;
  }
  return { pc, close };
}

/** A speaker bot that publishes a sine tone through WHIP. */
export function publishTone(signal: Signal, frequency = 440, amplitude = 0.5) {
  let phase = 0;
  return publishAudio(signal, (samples) => {
    for (let i = 0; i < samples.length; i++) {
      phase += (2 * Math.PI * frequency) / SAMPLE_RATE;
      samples[i] = Math.round(Math.sin(phase) * amplitude * 32767);
    }
  });
}

/**
 * A speaker bot that says what it is given (48 kHz PCM, e.g. from test/speech.ts) and is silent
 * between; `say` resolves when the last sample has gone to the encoder.
 */
export async function publishSpeech(signal: Signal) {
  const queue: Array<{ pcm: Int16Array; at: number; done: () => void }> = [];
  const mic = await publishAudio(signal, (samples) => {
    const clip = queue[0];
    if (!clip) return;
    const part = clip.pcm.subarray(clip.at, clip.at + samples.length);
    samples.set(part);
    clip.at += part.length;
    if (clip.at >= clip.pcm.length) {
      queue.shift();
      clip.done();
    }
  });
  const say = (pcm: Int16Array) => new Promise<void>((done) => queue.push({ pcm, at: 0, done }));
  return { ...mic, say };
}

/**
 * A listener bot: receives through WHEP and keeps the RMS of what it hears per 10 ms, per track;
 * `onFrame` sees each decoded frame as it comes out of the jitter buffer.
 */
export async function listen(signal: Signal, tracks = 1, onFrame?: (rms: number, at: number) => void) {
  const pc = new wrtc.RTCPeerConnection();
  for (let i = 0; i < tracks; i++) pc.addTransceiver('audio', { direction: 'recvonly' });
  // Each receiver's recent loudness: (time, rms, decoded samples), newest last.
  const heard: Array<Array<{ at: number; rms: number; samples: Int16Array }>> = Array.from(
    { length: tracks },
    () => [],
  );
  const sinks: Array<{ stop(): void }> = [];
  pc.addEventListener('track', (event) => {
    const index = pc.getTransceivers().findIndex((t) => t.receiver.track === event.track);
    const sink = new wrtc.nonstandard.RTCAudioSink(event.track);
    sinks.push(sink);
    (sink as unknown as { ondata: (d: { samples: Int16Array }) => void }).ondata = ({ samples }) => {
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      const list = heard[index < 0 ? 0 : index]!;
      const at = Date.now();
      list.push({ at, rms, samples: samples.slice() });
      onFrame?.(rms, at);
      if (list.length > 2000) list.splice(0, 1000);
    };
  });
  try {
    await offerAndAnswer(pc, signal);
  } catch (err) {
    pc.close();
    throw err;
  }
  return {
    pc,
    /** RMS over the last `ms` on track `index` (0 when nothing arrived). */
    rms(ms = 200, index = 0) {
      const since = Date.now() - ms;
      const recent = (heard[index] ?? []).filter((h) => h.at >= since);
      if (recent.length === 0) return 0;
      return Math.sqrt(recent.reduce((a, h) => a + h.rms * h.rms, 0) / recent.length);
    },
    /** The decoded audio of the last `ms` on track `index` (48 kHz mono), for frequency checks. */
    pcm(ms = 500, index = 0) {
      const since = Date.now() - ms;
      const recent = (heard[index] ?? []).filter((h) => h.at >= since).map((h) => h.samples);
      const out = new Int16Array(recent.reduce((n, s) => n + s.length, 0));
      let at = 0;
      for (const s of recent) {
        out.set(s, at);
        at += s.length;
      }
      return out;
    },
    /** When the current silent run (every 10 ms frame below `threshold`) began; undefined while loud. */
    silentSince(index = 0, threshold = 100) {
      const list = heard[index] ?? [];
      if (list.length === 0 || list.at(-1)!.rms >= threshold) return undefined;
      let i = list.length - 1;
      while (i > 0 && list[i - 1]!.rms < threshold) i--;
      return list[i]!.at;
    },
    close() {
      for (const s of sinks) s.stop();
      pc.close();
    },
  };
}

/** Amplitude of one frequency in `samples` (Goertzel), on the same scale as the RMS of a pure tone. */
export function toneLevel(samples: Int16Array, frequency: number, rate = SAMPLE_RATE): number {
  if (samples.length === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * frequency) / rate);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (Math.sqrt(power) / samples.length) * Math.SQRT2;
}

/** Polls `check` until it holds, up to `timeoutMs`; returns how long it took. */
export async function until(check: () => boolean, timeoutMs: number, what: string) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

/**
 * A publisher on node-datachannel, which lets a test send any bytes it likes as "RTP" (libwebrtc
 * only sends what its encoder makes). Resolves once its track is open.
 */
export const rawPublisher = (signal: Signal) => retryIceRace(() => newRawPublisher(signal));

type RawPeer = import('node-datachannel').PeerConnection;
type RawTrack = import('node-datachannel').Track;

/** Offers with every candidate, sets the answer and waits for the track to open (closes on failure). */
async function offerRaw(pc: RawPeer, track: RawTrack, signal: Signal) {
  const opened = new Promise<void>((resolve) => track.onOpen(() => resolve()));
  const gathered = new Promise<void>((resolve) =>
    pc.onGatheringStateChange((state) => {
      if (state === 'complete') resolve();
    }),
  );
  pc.setLocalDescription();
  await gathered;
  try {
    const answer = await signal(pc.localDescription()?.sdp ?? '');
    pc.setRemoteDescription(answer, 'answer');
    await Promise.race([
      opened,
      new Promise((_, reject) => setTimeout(() => reject(new Error('track not open')), 5000)),
    ]);
  } catch (err) {
    pc.close();
    throw err;
  }
}

async function newRawPublisher(signal: Signal) {
  const { Audio, PeerConnection } = await import('node-datachannel');
  const pc = new PeerConnection('raw', { iceServers: [] });
  const audio = new Audio('0', 'SendOnly');
  audio.addOpusCodec(111);
  audio.addSSRC(0x1234_5678, 'raw-bot');
  const track = pc.addTrack(audio);
  await offerRaw(pc, track, signal);
  return {
    send(bytes: Buffer) {
      try {
        return track.sendMessageBinary(bytes);
      } catch {
        return false;
      }
    },
    close() {
      track.close();
      pc.close();
    },
  };
}

/**
 * A WHEP player on node-datachannel (libdatachannel, as GStreamer-style players are) that reads the
 * RTP it receives: with `audioLevelId` it offers the RFC 6464 audio-level extension under that id.
 */
export const rawListener = (signal: Signal, audioLevelId?: number) =>
  retryIceRace(() => newRawListener(signal, audioLevelId));

async function newRawListener(signal: Signal, audioLevelId?: number) {
  const { Audio, PeerConnection, RtcpReceivingSession } = await import('node-datachannel');
  const pc = new PeerConnection('raw-ears', { iceServers: [] });
  const audio = new Audio('0', 'RecvOnly');
  audio.addOpusCodec(111);
  if (audioLevelId) audio.parseSdpLine(`a=extmap:${audioLevelId} urn:ietf:params:rtp-hdrext:ssrc-audio-level`);
  const track = pc.addTrack(audio);
  track.setMediaHandler(new RtcpReceivingSession());
  const packets: Array<{ at: number; packet: Buffer }> = [];
  track.onMessage((packet) => {
    const type = (packet[1] ?? 0) & 0x7f;
    if (packet.length < 12 || (type >= 64 && type <= 95)) return; // RTCP
    packets.push({ at: Date.now(), packet: Buffer.from(packet) });
    if (packets.length > 1000) packets.splice(0, 500);
  });
  await offerRaw(pc, track, signal);
  return {
    /** RTP packets received in the last `ms`. */
    recent: (ms: number) => packets.filter((p) => p.at >= Date.now() - ms).map((p) => p.packet),
    close() {
      track.close();
      pc.close();
    },
  };
}

/** An offer as libwebrtc makes it (candidates included), for tests that change it. */
export async function sampleOffer(direction: 'sendonly' | 'recvonly') {
  const pc = new wrtc.RTCPeerConnection();
  if (direction === 'sendonly') {
    const source = new wrtc.nonstandard.RTCAudioSource();
    pc.addTransceiver(source.createTrack(), { direction });
  } else pc.addTransceiver('audio', { direction });
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription!.sdp;
  pc.close();
  return sdp;
}
