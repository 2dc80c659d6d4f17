import type { Bus } from './bus/bus';
import type { Captioner } from './captions/captioner';
import type { Clock } from './clock';
import type { Config } from './config';
import type { MediaPlane } from './media/plane';
import type { Recorder } from './recording/recorder';
import type { RecordingService } from './recording/service';
import type { Notifier } from './social/notifications';
import type { Db } from './store/db';

/** What the composition root hands every capability. Nothing reaches for a global. */
export interface Services {
  config: Config;
  db: Db;
  bus: Bus;
  notifier: Notifier;
  /** Time for retention and jobs (a manual clock in tests). */
  clock: Clock;
  /** This node's WebRTC media plane. */
  media: MediaPlane;
  /** Writes this node's live Spaces to files. */
  recorder: Recorder;
  recordings: RecordingService;
  /** Live captions of this node's Spaces. */
  captioner: Captioner;
}

/** The bus channel that reaches every open connection of one user. */
export const userChannel = (userId: string) => `user:${userId}`;
