import type { Bus } from './bus/bus';
import type { Captioner } from './captions/captioner';
import type { Clock } from './clock';
import type { Config } from './config';
import type { JobRunner } from './jobs/jobs';
import type { Limits } from './limits/limits';
import type { MediaPlane } from './media/api';
import type { PushService } from './push/service';
import type { RecordingService } from './recording/service';
import type { Notifier } from './social/notifications';
import type { SpaceHub } from './spaces/live';
import type { SpaceMedia } from './spaces/media';
import type { SpaceService } from './spaces/service';
import type { Db } from './store/db';
import type { TicketService } from './tickets/service';

/**
 * What the composition root (app.ts) builds once and hands every route plugin. Nothing reaches
 * for a global. Services themselves take only what they use (their own deps interfaces), so no
 * module below imports this one: only route plugins do.
 */
export interface Services {
  config: Config;
  db: Db;
  bus: Bus;
  notifier: Notifier;
  /** Time for retention and jobs (a manual clock in tests). */
  clock: Clock;
  /** Durable jobs: a capability registers its job kinds here (`jobs.register(kind, handler)`). */
  jobs: JobRunner;
  /** This node's WebRTC media plane (in-process or worker processes), addressed by ids. */
  media: MediaPlane;
  recordings: RecordingService;
  /** Live captions of this node's Spaces. */
  captioner: Captioner;
  spaces: SpaceService;
  /** WHIP/WHEP sessions of Spaces and their enforcement. */
  spaceMedia: SpaceMedia;
  /** The live sockets of Spaces on this node. */
  spaceHub: SpaceHub;
  /** Ticketed Spaces: offers, tickets, payments, refunds, and who a ticket admits. */
  tickets: TicketService;
  /** Web Push of notifications to people's browsers. */
  push: PushService;
  /** Rate limits on commands, new Spaces, DMs, invitations and reports (shared through Redis). */
  limits: Limits;
}
