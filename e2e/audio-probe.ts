import type { Page } from 'playwright-core';

/** Probes of what a page hears, for browser tests: instrument before load, then measure. */

/** Keeps a hand on every peer connection, played media element and microphone track of the page. */
export const instrument = () => {
  const w = window as unknown as Record<string, unknown[]>;
  w.__pcs = [];
  w.__played = [];
  w.__mics = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__pcs?.push(this);
    }
  };
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    if (!w.__played?.includes(this)) w.__played?.push(this);
    return play.call(this);
  };
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await gum(constraints);
    w.__mics?.push(...stream.getTracks());
    return stream;
  };
};

/**
 * The loudest RMS (0…1) heard over `ms` in 50 ms looks, summed over every track the page's open
 * listening connection receives, through a WebAudio AnalyserNode.
 */
export function loudness(page: Page, ms: number): Promise<{ rms: number; packets: number; connected: boolean }> {
  return page.evaluate(async (ms) => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pc = pcs.findLast(
      (p) => p.signalingState !== 'closed' && p.getTransceivers().some((t) => t.direction === 'recvonly'),
    );
    if (!pc) return { rms: -1, packets: 0, connected: false };
    // Only anonymous functions in here: tsx adds a naming helper to named ones that the page lacks.
    const packetsNow = await Promise.all(pc.getReceivers().map((r) => r.getStats()));
    const first = packetsNow.flatMap((r) => [...r.values()]).reduce((n, s) => n + (s.packetsReceived ?? 0), 0);
    const ctx = new AudioContext();
    await ctx.resume();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    const sources = pc.getReceivers().map((r) => ctx.createMediaStreamSource(new MediaStream([r.track])));
    for (const s of sources) s.connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    let loudest = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      loudest = Math.max(loudest, Math.sqrt(sum / buf.length));
    }
    for (const s of sources) s.disconnect();
    await ctx.close();
    const packetsThen = await Promise.all(pc.getReceivers().map((r) => r.getStats()));
    const last = packetsThen.flatMap((r) => [...r.values()]).reduce((n, s) => n + (s.packetsReceived ?? 0), 0);
    return { rms: loudest, packets: last - first, connected: pc.connectionState === 'connected' };
  }, ms);
}

export const LOUD = 0.01;
