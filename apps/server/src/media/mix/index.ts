/**
 * The room mix (README): per room, in the process that owns the room's speakers (its media
 * worker, or the main process with MEDIA_WORKERS=0), one mixer decodes every unmuted current
 * speaker, mixes in 20 ms ticks with a limiter and encodes once for all mix listeners. It starts
 * when the first consumer arrives and stops after the last leaves.
 *
 * Consumers:
 * - WebRTC listeners whose WHEP offer has one audio section (MediaRoom counts them, in every
 *   worker);
 * - other sinks in the same process (the LL-HLS packager), through `addPcmConsumer`:
 *
 *     const off = addPcmConsumer(roomId, {
 *       onPcm(frame, ptsMs) {},  // Int16Array, 48 kHz mono, 960 samples = 20 ms; reused: copy it
 *       onEnd() {},              // the room closed
 *     });
 *     off(); // the last one out (with no WebRTC mix listener left) stops the mixer
 *
 *   A consumer added before its room opens here waits for it.
 */
import type { PcmConsumer, RoomMix } from './room-mix';

export type { MixOptions, PcmConsumer } from './room-mix';
export { MIX_LEVEL_EXTENSION, RoomMix } from './room-mix';

/** The slot number the mix travels under (stage slots are 0–12), in the room and between workers. */
export const MIX_SLOT = 255;

const mixes = new Map<string, RoomMix>();
const waiting = new Map<string, Map<PcmConsumer, (off: () => void) => void>>();

/** Receives the mixed PCM of `roomId` (a room whose speakers are in this process); returns the unsubscribe. */
export function addPcmConsumer(roomId: string, consumer: PcmConsumer): () => void {
  const mix = mixes.get(roomId);
  if (mix) return mix.addConsumer(consumer);
  let off: (() => void) | undefined;
  let cancelled = false;
  let queue = waiting.get(roomId);
  if (!queue) {
    queue = new Map();
    waiting.set(roomId, queue);
  }
  queue.set(consumer, (added) => {
    off = added;
  });
  return () => {
    if (cancelled) return;
    cancelled = true;
    off?.();
    const q = waiting.get(roomId);
    q?.delete(consumer);
    if (q?.size === 0) waiting.delete(roomId);
  };
}

/** The room's mix registers here while the room is open (MediaRoom does it). */
export function registerMix(mix: RoomMix): () => void {
  mixes.set(mix.roomId, mix);
  const queue = waiting.get(mix.roomId);
  waiting.delete(mix.roomId);
  for (const [consumer, attached] of queue ?? []) attached(mix.addConsumer(consumer));
  return () => {
    if (mixes.get(mix.roomId) === mix) mixes.delete(mix.roomId);
  };
}
