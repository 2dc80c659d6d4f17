import type { MediaEvent, SinkSpec } from './api';
import type { MixOptions } from './mix';
import type { PeerSettings } from './peer';

/** Messages between the main process and a media worker (media/worker.ts). */

export interface WorkerConfig {
  worker: number;
  settings: PeerSettings;
  peerTimeoutMs: number;
  sinks: SinkSpec[];
  mix: MixOptions;
}

export type WorkerOp =
  | 'openRoom'
  | 'closeRoom'
  | 'publish'
  | 'subscribe'
  | 'setMuted'
  | 'closePeer'
  | 'control'
  | 'addFeed'
  | 'removeFeed'
  | 'setRemoteMix';

export interface ToMediaWorker {
  id: number;
  op: WorkerOp;
  args: unknown[];
}

export interface WireError {
  name: string;
  code?: string;
  message: string;
}

export type FromMediaWorker =
  | { type: 'ready'; feedPort: number }
  | { type: 'reply'; id: number; value?: unknown; error?: WireError }
  | { type: 'event'; event: MediaEvent }
  | {
      type: 'stats';
      rooms: number;
      publishers: number;
      subscribers: number;
      forwarded: number;
      mixing: number;
      mixMs: number;
      /** Bytes: the process's resident set, and the JS heap in use (the rest is native: libdatachannel, Opus). */
      memory?: { rss: number; heapUsed: number };
    }
  | { type: 'error'; message: string };
