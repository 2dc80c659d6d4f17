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
 * The loudest RMS (0…1) heard over `ms` in 50 ms looks, through a WebAudio AnalyserNode: summed
 * over every track the page's open listening connection receives, or (`delayed`) what the page's
 * delayed-stream (HLS) element plays. rms -1: nothing to listen to; 0 from HLS: nothing decoded yet.
 */
export function loudness(
  page: Page,
  ms: number,
  from: 'webrtc' | 'delayed' = 'webrtc',
): Promise<{ rms: number; packets: number; connected: boolean }> {
  return page.evaluate(
    async ([ms, from]) => {
      const w = window as unknown as { __pcs: RTCPeerConnection[]; __played: HTMLMediaElement[] };
      const pc =
        from === 'webrtc'
          ? w.__pcs.findLast(
              (p) => p.signalingState !== 'closed' && p.getTransceivers().some((t) => t.direction === 'recvonly'),
            )
          : undefined;
      const el = w.__played.find((e) => e.dataset.tier === 'delayed') as
        | (HTMLMediaElement & { captureStream(): MediaStream })
        | undefined;
      if (from === 'webrtc' ? !pc : !el || el.paused) return { rms: -1, packets: 0, connected: false };
      const streams = pc
        ? pc.getReceivers().map((r) => new MediaStream([r.track]))
        : [(el as HTMLMediaElement & { captureStream(): MediaStream }).captureStream()];
      if (streams.every((m) => m.getAudioTracks().length === 0)) return { rms: 0, packets: 0, connected: false };
      // Only anonymous functions in here: tsx adds a naming helper to named ones that the page lacks.
      const first = pc
        ? (await Promise.all(pc.getReceivers().map((r) => r.getStats())))
            .flatMap((r) => [...r.values()])
            .reduce((n, s) => n + (s.packetsReceived ?? 0), 0)
        : 0;
      const ctx = new AudioContext();
      await ctx.resume();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      const sources = streams.map((m) => ctx.createMediaStreamSource(m));
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
      const last = pc
        ? (await Promise.all(pc.getReceivers().map((r) => r.getStats())))
            .flatMap((r) => [...r.values()])
            .reduce((n, s) => n + (s.packetsReceived ?? 0), 0)
        : 0;
      return { rms: loudest, packets: last - first, connected: pc?.connectionState === 'connected' };
    },
    [ms, from] as const,
  );
}

export const LOUD = 0.01;
