import { createSocket } from 'node:dgram';
import type { SinkSpec } from './api';
import type { PeerSettings } from './peer';

/**
 * A free UDP port, for MEDIA_PORT=0 (tests run side by side). Picked below Linux's ephemeral range
 * (32768–60999): the ICE mux lets its port go while a room has no peers, and a port from that range
 * could meanwhile be handed to some client socket, after which the next peer fails to gather
 * ("Failed to gather local ICE candidates"; seen in CI).
 */
export async function freeUdpPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bindable(port)) return port;
  }
  return bindable(0);
}

/** Binds `port` (0: any) and lets it go: the port, or 0 when taken. */
async function bindable(port: number): Promise<number> {
  const socket = createSocket('udp4');
  const bound = await new Promise<boolean>((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, () => resolve(true));
  });
  const got = bound ? socket.address().port : 0;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return got;
}

export interface MediaPlaneOptions extends Omit<PeerSettings, 'port'> {
  /** The first UDP port; worker n listens on port + n (0: free ports). */
  port: number;
  /** Media worker processes; 0 runs the plane in this process. */
  workers: number;
  /** Worker processes start with the first room and stop this long after the last one closes (0: always run). */
  idleStopMs?: number;
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
