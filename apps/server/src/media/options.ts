import { createSocket } from 'node:dgram';
import type { SinkSpec } from './api';
import type { PeerSettings } from './peer';

/** A free UDP port, for MEDIA_PORT=0 (tests run side by side). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, resolve);
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export interface MediaPlaneOptions extends Omit<PeerSettings, 'port'> {
  /** The first UDP port; worker n listens on port + n (0: free ports). */
  port: number;
  /** Media worker processes; 0 runs the plane in this process. */
  workers: number;
  /** A peer silent this long (no media, RTCP or ICE consent) is closed. */
  peerTimeoutMs: number;
  /** Opus frame length of the room mix (ms). */
  mixFrameMs?: 20 | 60;
  /** Consumers of every room's packets, run beside each room. */
  sinks: SinkSpec[];
  onError: (err: unknown) => void;
  /** How workers report their state: a crash, a restart. */
  log?: { info(o: object, m: string): void; error(o: object, m: string): void };
}
