import type { CreateSink } from '../api';
import { addPcmConsumer } from '../mix/index';
import { HlsPackager } from './packager';

export const HLS_SINK = 'hls';

/** What the main process tells a room's HLS sink: start a stream (named `stream`) or stop it. */
export type HlsControl = { type: 'start'; stream: string } | { type: 'stop'; stream: string };

/** What the HLS sink reports (media time in seconds, wall clock in ms). */
export type HlsEvent =
  | { type: 'init'; stream: string; data: Uint8Array }
  | { type: 'part'; stream: string; data: Uint8Array; duration: number; at: number }
  | { type: 'ended'; stream: string }
  | { type: 'failed'; stream: string; message: string };

/**
 * The LL-HLS packager beside a room (in the media worker that owns it): while the main process
 * wants a stream, the room mix goes through the AAC packager and each part goes back as an event.
 */
export const createSink: CreateSink = ({ roomId, emit, onError }) => {
  let current: { stream: string; packager: HlsPackager; off: () => void } | undefined;
  const report = (event: HlsEvent) => emit(event);

  const start = (stream: string) => {
    if (current?.stream === stream) return;
    stop();
    // When each 20 ms frame reached the packager (the last few seconds): a part's wall-clock start
    // (EXT-X-PROGRAM-DATE-TIME) is when its first frame came, even if the mix skipped ticks.
    const arrivals: number[] = [];
    let firstFrame = 0;
    const wallClock = (start: number) => {
      const frame = Math.floor(start * 50) - firstFrame;
      return arrivals[Math.max(0, Math.min(frame, arrivals.length - 1))] ?? Date.now();
    };
    let failed = false;
    const packager = new HlsPackager({
      onInit: (data) => report({ type: 'init', stream, data }),
      onPart: (data, start, duration) => report({ type: 'part', stream, data, duration, at: wallClock(start) }),
      onError: (err) => {
        onError(err);
        if (failed) return;
        failed = true;
        report({ type: 'failed', stream, message: err.message });
      },
    });
    const off = addPcmConsumer(roomId, {
      onPcm: (frame) => {
        arrivals.push(Date.now());
        if (arrivals.length > 500) {
          arrivals.splice(0, 250);
          firstFrame += 250;
        }
        packager.write(frame);
      },
      onEnd: () => {},
    });
    current = { stream, packager, off };
  };

  const stop = () => {
    if (!current) return;
    current.off();
    current.packager.kill();
    current = undefined;
  };

  return {
    // The packets reach the room mix; this sink takes the mix.
    packet() {},
    publisherClosed() {},
    control(message) {
      const m = message as HlsControl;
      if (m.type === 'start') start(m.stream);
      else if (m.type === 'stop' && current?.stream === m.stream) stop();
    },
    async close() {
      if (!current) return;
      const { stream, packager, off } = current;
      current = undefined;
      off();
      await packager.close();
      report({ type: 'ended', stream });
    },
  };
};
