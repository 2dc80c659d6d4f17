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
    let pcmStartedAt = 0;
    let failed = false;
    const packager = new HlsPackager({
      onInit: (data) => report({ type: 'init', stream, data }),
      onPart: (data, start, duration) =>
        report({ type: 'part', stream, data, duration, at: pcmStartedAt + Math.round(start * 1000) }),
      onError: (err) => {
        onError(err);
        if (failed) return;
        failed = true;
        report({ type: 'failed', stream, message: err.message });
      },
    });
    const off = addPcmConsumer(roomId, {
      onPcm: (frame) => {
        // The mix's clock may be its own: the playlist's wall clock starts at the first frame.
        if (pcmStartedAt === 0) pcmStartedAt = Date.now();
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
