import type { LoopDelay, MediaEvent, SinkSpec, WorkerMemory } from './api';
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
      late: number;
      mixing: number;
      mixMs: number;
      memory?: WorkerMemory;
      loopDelay?: LoopDelay;
    }
  | { type: 'error'; message: string };

/** What a worker reports every second. */
export type WorkerReport = Extract<FromMediaWorker, { type: 'stats' }>;
