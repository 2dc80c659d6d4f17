import {
  applyEvent,
  type Caption,
  CommandArgs,
  type CommandName,
  ErrorCode,
  initialRoom,
  type RoomEvent,
  type RoomState,
  type SpeakerPolicy,
  type UserSummary,
} from '@earshot/protocol';
import { sql } from 'kysely';
import type { Bus } from '../bus/bus';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Viewer } from '../http/auth';
import { AppError } from '../http/errors';
import { newId } from '../ids';
import type { Limits } from '../limits/limits';
import type { RecordingService } from '../recording/service';
import { TURN_EVENT_KINDS } from '../recording/turns';
import { fileReport } from '../safety/store';
import { sendMessage } from '../social/dms';
import type { Notifier } from '../social/notifications';
import { getPost } from '../social/posts';
import { block, findUser, getUserById, summary } from '../social/users-store';
import type { Db } from '../store/db';
import type { TicketService } from '../tickets/service';
import { ReactCache } from './react-cache';
import {
  type CommandContext,
  decide,
  decideHostBlock,
  decideHostsAbsent,
  decideSpeaking,
  decideSuspension,
  type Effect,
  FREE,
  type Outcome,
  type Role,
  roleOf,
  stageChanged,
} from './rules';
import { decideCreate, decideMissed, type ScheduleLimits } from './schedule-rules';
import { blockedByHost, blockedUsersOf, countUpcoming, follows, liveHostedBy, liveInvolving, loadRoom } from './store';

/** How stale a reaction's view of a Space may be when another node changed it (see ReactCache). */
const REACT_CACHE_MS = 2000;

/** The bus channel of one Space: sequenced events, reactions and presence, for every node. */
export const spaceChannel = (spaceId: string) => `space:${spaceId}`;

/** What goes over a Space's channel between nodes. */
export type SpaceBusMessage =
  | { type: 'event'; seq: number; event: RoomEvent }
  | { type: 'reaction'; user: UserSummary; emoji: string }
  | { type: 'caption'; caption: Caption }
  | { type: 'media_lost'; sessions: string[] }
  | { type: 'presence-node'; nodeId: string; count: number; sample: UserSummary[]; at: number };

export interface SpaceDeps {
  db: Db;
  bus: Bus;
  config: Config;
  notifier: Notifier;
  /** The service clock (a manual one in tests): scheduling decisions judge times by it. */
  clock: Clock;
  /** Told of each status change inside the Space's transaction (a recording starts, a mixdown is queued). */
  recordings: Pick<RecordingService, 'statusChanged'>;
  /** Who a ticketed Space admits; refunds when a Space is cancelled or missed (in its transaction). */
  tickets: Pick<TicketService, 'admission' | 'statusChanged'>;
  /** Rate limits: every command spends from one budget per account and per IP. */
  limits: Limits;
}

/**
 * Called inside the transaction of every change to a Space (and its creation, `before` null), after
 * the rules allowed it: other capabilities keep their own work in step (reminder jobs).
 */
export type SpaceChangeHook = (
  tx: Db,
  change: { spaceId: string; hostId: string; before: RoomState | null; after: RoomState; seq: number },
) => Promise<void>;

export function createSpaceService(services: SpaceDeps) {
  const { db, bus, config, notifier, clock } = services;
  const limits = { maxCohosts: config.MAX_COHOSTS, maxSpeakers: config.MAX_SPEAKERS, maxPinnedPosts: 5 };
  const schedule: ScheduleLimits = {
    maxDays: config.SCHEDULE_MAX_DAYS,
    maxPerHost: config.SCHEDULE_MAX_PER_HOST,
    graceMinutes: config.SCHEDULE_GRACE_MINUTES,
  };
  const hooks: SpaceChangeHook[] = [];
  const reactCache = new ReactCache(REACT_CACHE_MS);
  // Reactions: at most 10 per user per 5 s per node (a burst of applause, not a flood).
  const reactionTimes = new Map<string, number[]>();
  const reactionAllowed = (key: string) => {
    const now = Date.now();
    const recent = (reactionTimes.get(key) ?? []).filter((t) => now - t < 5000);
    if (recent.length >= 10) return false;
    recent.push(now);
    reactionTimes.set(key, recent);
    if (reactionTimes.size > 10_000) reactionTimes.clear();
    return true;
  };

  /** `within` runs in the creation's transaction (a ticketed Space's offer is created with it). */
  async function create(
    viewer: Viewer,
    input: { title: string; topics: string[]; speakerPolicy: SpeakerPolicy; captions: boolean; scheduledFor?: string },
    within?: (tx: Db, spaceId: string) => Promise<void>,
  ) {
    if (config.HOST_MIN_FOLLOWERS > 0) {
      const row = await db
        .selectFrom('follows')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('followee_id', '=', viewer.id)
        .executeTakeFirstOrThrow();
      if (Number(row.n) < config.HOST_MIN_FOLLOWERS)
        throw new AppError(
          403,
          'not_eligible',
          `hosting a Space needs at least ${config.HOST_MIN_FOLLOWERS} followers`,
        );
    }
    const host = summary(await getUserById(db, viewer.id));
    const id = newId();
    const { title, topics, speakerPolicy, captions } = input;
    const scheduledFor = input.scheduledFor ? new Date(input.scheduledFor).toISOString() : null;
    const room = initialRoom({
      id,
      title,
      topics,
      speakerPolicy,
      captions,
      scheduledFor,
      host,
      stageSize: 1 + limits.maxCohosts + limits.maxSpeakers,
    });
    await db.transaction().execute(async (tx) => {
      // One host's schedulings one at a time, so two at once cannot both take the last place.
      if (scheduledFor) await sql`select pg_advisory_xact_lock(hashtext(${`schedule:${host.id}`}))`.execute(tx);
      const verdict = decideCreate({
        scheduledFor: scheduledFor ?? undefined,
        now: clock.now(),
        limits: schedule,
        upcoming: scheduledFor ? await countUpcoming(tx, host.id) : 0,
      });
      if (!verdict.ok) throw new AppError(verdict.status, verdict.code, verdict.message);
      await tx
        .insertInto('spaces')
        .values({
          id,
          host_id: host.id,
          title: input.title,
          topics: input.topics,
          status: room.status,
          room: JSON.stringify(room),
          scheduled_for: scheduledFor ? new Date(scheduledFor) : null,
        })
        .execute();
      await tx.insertInto('space_stage').values({ space_id: id, user_id: host.id, role: 'host' }).execute();
      await within?.(tx, id);
      for (const hook of hooks) await hook(tx, { spaceId: id, hostId: host.id, before: null, after: room, seq: 0 });
    });
    return { room, seq: 0 };
  }

  /** Resolves the person a command names; 404 if there is no such account. */
  async function resolveTarget(args: Record<string, unknown>): Promise<UserSummary | undefined> {
    if (typeof args.userId === 'string') return summary(await getUserById(db, args.userId));
    if (typeof args.handle === 'string') return summary(await findUser(db, args.handle));
    return undefined;
  }

  /**
   * The one command path of a live Space: authorize through the rules, apply the events under the
   * row lock, store them with their sequence numbers, then publish. Returns the room's new seq.
   */
  async function run(
    spaceId: string,
    viewer: Viewer | null,
    name: CommandName,
    rawArgs: unknown,
    ip: string,
  ): Promise<{ seq: number }> {
    // First, before any work: one budget for every command, whichever way it comes.
    await services.limits.take('command', viewer?.id ?? null, ip);
    if (name === 'invite' || name === 'report') await services.limits.take(name, viewer?.id ?? null, ip);
    const parsed = CommandArgs[name].safeParse(rawArgs ?? {});
    if (!parsed.success)
      throw new AppError(
        400,
        ErrorCode.invalidRequest,
        `invalid arguments for ${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
    const args = parsed.data as Record<string, unknown>;
    // HTTP requests of suspended accounts stop in http/auth; this covers commands over the socket.
    // Ending their own Space is the one thing they may still do (safety/rules).
    if (viewer?.suspended && name !== 'end')
      throw new AppError(403, ErrorCode.suspended, 'your account is suspended: you cannot take part in Spaces');
    // The account as authentication read it (no second round trip for it).
    const actor = viewer
      ? summary({ id: viewer.id, handle: viewer.handle, display_name: viewer.displayName, avatar: viewer.avatar })
      : null;
    const target = await resolveTarget(args);
    const post = name === 'pin' ? await getPost(db, String(args.postId)).catch(() => undefined) : undefined;

    // Reads go through `exec`: inside the transaction, PGlite has no second connection to give.
    const context = async (exec: Db, state: RoomState, hostId: string): Promise<CommandContext> => {
      const ids = [actor?.id, target?.id].filter((x): x is string => Boolean(x));
      const blocked = await blockedByHost(exec, hostId, ids);
      // A ticket admits the actor; the people a command names are placed by stage and blocks alone.
      const admission = await services.tickets.admission(exec, spaceId, actor?.id ?? null);
      return {
        state,
        actor,
        role: roleOf(state, actor?.id ?? null, actor ? blocked.has(actor.id) : false, admission),
        limits,
        // Only the "following" policy's request-speak reads it.
        hostFollowsActor: actor && name === 'request-speak' ? await follows(exec, hostId, actor.id) : false,
        target: target && { user: target, role: roleOf(state, target.id, blocked.has(target.id)) },
        post,
        now: new Date().toISOString(),
        clockNow: clock.now(),
        schedule,
      };
    };

    // Reactions change no state: decide on what the cache holds (no database round trip once warm) and publish.
    if (name === 'react') {
      const { state, seq, hostId } = await reactCache.room(spaceId, () => loadRoom(db, spaceId));
      const actorId = actor?.id ?? null;
      const blocked = actorId
        ? (await reactCache.blockedBy(hostId, () => blockedUsersOf(db, hostId))).has(actorId)
        : false;
      const ticketed = await reactCache.ticketed(
        spaceId,
        async () => (await services.tickets.admission(db, spaceId, null)).ticketed,
      );
      const admission = ticketed ? await services.tickets.admission(db, spaceId, actorId) : FREE;
      const outcome = decide(name, args as never, {
        state,
        actor,
        role: roleOf(state, actorId, blocked, admission),
        limits,
        hostFollowsActor: false,
        target: undefined,
        post: undefined,
        now: new Date().toISOString(),
        clockNow: clock.now(),
        schedule,
      });
      if (!outcome.ok) throw new AppError(outcome.status, outcome.code, outcome.message);
      if (!actor || !reactionAllowed(`${spaceId}:${actor.id}`))
        throw new AppError(429, ErrorCode.rateLimited, 'too many reactions; wait a moment');
      await bus.publish(spaceChannel(spaceId), {
        type: 'reaction',
        user: actor,
        emoji: String(args.emoji),
      } satisfies SpaceBusMessage);
      return { seq };
    }

    const result = await commit(spaceId, actor, async (tx, state, hostId) =>
      decide(name, args as never, await context(tx, state, hostId)),
    );
    await sendInvitations(spaceId, actor, result.effects, result.state);
    return { seq: result.seq };
  }

  /**
   * Applies what `decideIn` returns under the Space's row lock: stores the new state and its events
   * with their sequence numbers, then publishes the events. Every change to a Space passes here.
   */
  async function commit(
    spaceId: string,
    actor: UserSummary | null,
    decideIn: (tx: Db, state: RoomState, hostId: string) => Promise<Outcome> | Outcome,
  ) {
    const result = await db.transaction().execute(async (tx) => {
      const { state, seq, hostId } = await loadRoom(tx, spaceId, true);
      const outcome = await decideIn(tx, state, hostId);
      if (!outcome.ok) throw new AppError(outcome.status, outcome.code, outcome.message);
      if (outcome.events.length === 0) {
        await recordEffects(tx, spaceId, hostId, actor, outcome.effects);
        return { seq, published: [], effects: outcome.effects, hostId, state };
      }
      const next = outcome.events.reduce(applyEvent, state);
      const published = outcome.events.map((event, i) => ({ seq: seq + 1 + i, event }));
      const newSeq = seq + outcome.events.length;
      await tx
        .updateTable('spaces')
        .set({
          room: JSON.stringify(next),
          seq: newSeq,
          status: next.status,
          // The same instants as the room's startedAt/endedAt (a second new Date() could differ by a ms).
          ...(next.status !== state.status &&
            next.status === 'live' && { started_at: new Date(next.startedAt ?? Date.now()) }),
          ...(next.status !== state.status &&
            next.status === 'ended' && { ended_at: new Date(next.endedAt ?? Date.now()) }),
          ...(next.scheduledFor !== state.scheduledFor && {
            scheduled_for: next.scheduledFor ? new Date(next.scheduledFor) : null,
          }),
        })
        .where('id', '=', spaceId)
        .execute();
      if (next.status !== state.status) {
        await services.recordings.statusChanged(tx, spaceId, next.status);
        // Cancelled and missed Spaces (scheduling) refund every ticket, in this transaction.
        await services.tickets.statusChanged(tx, spaceId, next.status);
      }
      await tx
        .insertInto('space_events')
        .values(published.map((p) => ({ space_id: spaceId, seq: p.seq, event: JSON.stringify(p.event) })))
        .execute();
      // An ended Space's log is read only for the recording's turns: the rest goes (nobody resumes
      // an ended Space; a client that asks gets the snapshot).
      if (next.status === 'ended' && state.status !== 'ended')
        await tx
          .deleteFrom('space_events')
          .where('space_id', '=', spaceId)
          .where(sql<string>`event->>'kind'`, 'not in', [...TURN_EVENT_KINDS])
          .execute();
      if (stageChanged(state, next)) {
        await tx.deleteFrom('space_stage').where('space_id', '=', spaceId).execute();
        await tx
          .insertInto('space_stage')
          .values(next.stage.map((m) => ({ space_id: spaceId, user_id: m.user.id, role: m.role })))
          .execute();
      }
      await recordEffects(tx, spaceId, hostId, actor, outcome.effects);
      for (const hook of hooks) await hook(tx, { spaceId, hostId, before: state, after: next, seq: newSeq });
      return { seq: newSeq, published, effects: outcome.effects, hostId, state: next };
    });
    reactCache.committed(spaceId, { state: result.state, seq: result.seq, hostId: result.hostId });
    // A block from inside the Space (the speaking changes that make most commits leave the list alone).
    if (result.effects.some((e) => e.kind === 'block')) reactCache.forgetBlocks(result.hostId);
    for (const p of result.published)
      await bus.publish(spaceChannel(spaceId), { type: 'event', seq: p.seq, event: p.event } satisfies SpaceBusMessage);
    return result;
  }

  /**
   * The media plane's word on who is speaking, through the same path as every command: all the
   * changes waiting for a Space in one transaction (three talking speakers flip often; one
   * transaction each kept the database, and the reactions behind it, busy).
   */
  async function recordSpeaking(spaceId: string, changes: Iterable<readonly [userId: string, speaking: boolean]>) {
    const batch = [...changes];
    await commit(spaceId, null, (_tx, state) => {
      const events: RoomEvent[] = [];
      let now = state;
      for (const [userId, speaking] of batch) {
        const outcome = decideSpeaking(now, userId, speaking);
        if (!outcome.ok) continue;
        events.push(...outcome.events);
        now = outcome.events.reduce(applyEvent, now);
      }
      return { ok: true, events, effects: [] };
    });
  }

  /**
   * At start, what a crash left in the stored rooms: nobody speaks yet (this node's media plane is
   * new; the flags come back with the first audio), through the one command path. With no other
   * node (`alone`: no Redis) nobody listens yet either; with Redis the other nodes' announcements
   * set the count again. Live Spaces stay live: their hosts may come back.
   */
  async function clearAfterRestart(alone: boolean) {
    const live = await db.selectFrom('spaces').select(['id', 'room']).where('status', '=', 'live').execute();
    for (const { id, room } of live) {
      const speaking = (room as RoomState).stage.filter((m) => m.speaking);
      if (speaking.length)
        await recordSpeaking(
          id,
          speaking.map((m) => [m.user.id, false] as const),
        );
    }
    if (alone)
      await db
        .updateTable('spaces')
        .set({ listener_count: 0 })
        .where('status', '=', 'live')
        .where('listener_count', '>', 0)
        .execute();
  }

  /** The missed-check job: a scheduled Space not started within the grace period, through the same path. */
  async function markMissedIfLate(spaceId: string) {
    await commit(spaceId, null, (_tx, state) => decideMissed(state, clock.now(), schedule.graceMinutes));
  }

  /**
   * The absence sweep: ends the Space if, read under its lock, no host or co-host has been seen
   * since `cutoff` (a host who came back meanwhile keeps it going). Says whether it ended.
   */
  async function endIfHostsAbsent(spaceId: string, cutoff: Date) {
    const result = await commit(spaceId, null, async (tx, state) => {
      const row = await tx
        .selectFrom('spaces')
        .select(['managers_seen_at', 'started_at'])
        .where('id', '=', spaceId)
        .executeTakeFirstOrThrow();
      return decideHostsAbsent(state, row.managers_seen_at ?? row.started_at, cutoff, clock.now());
    });
    return result.published.length > 0;
  }

  /** A block from the host's profile reaches each of their live Spaces (and, by its events, the media). */
  async function enforceBlock(hostId: string, userId: string) {
    reactCache.forgetBlocks(hostId);
    for (const spaceId of await liveHostedBy(db, hostId))
      await commit(spaceId, null, (_tx, state) => decideHostBlock(state, userId));
  }

  /** A suspension reaches every live Space the person is part of: theirs end, others' stages let them go. */
  async function enforceSuspension(userId: string) {
    for (const spaceId of await liveInvolving(db, userId))
      await commit(spaceId, null, (_tx, state) => decideSuspension(state, userId, new Date().toISOString()));
  }

  /** Blocks and reports commit together with the events. */
  async function recordEffects(tx: Db, spaceId: string, hostId: string, actor: UserSummary | null, effects: Effect[]) {
    if (!actor) return;
    for (const effect of effects) {
      if (effect.kind === 'block') await block(tx, hostId, effect.userId);
      if (effect.kind === 'report') {
        // Where in the Space a moderator should start listening (its end, for a report made after it).
        const { started_at, ended_at } = await tx
          .selectFrom('spaces')
          .select(['started_at', 'ended_at'])
          .where('id', '=', spaceId)
          .executeTakeFirstOrThrow();
        const at = ended_at?.getTime() ?? Date.now();
        await fileReport(tx, {
          id: newId(),
          reporterId: actor.id,
          spaceId,
          userId: effect.userId ?? null,
          reason: effect.reason,
          offsetMs: started_at ? Math.max(0, at - started_at.getTime()) : null,
        });
      }
    }
  }

  /** Invitations (a DM with an Accept action, plus a notification) go out after the commit. */
  async function sendInvitations(spaceId: string, actor: UserSummary | null, effects: Effect[], state: RoomState) {
    if (!actor) return;
    for (const effect of effects) {
      if (effect.kind !== 'invite') continue;
      const what = effect.role === 'cohost' ? 'co-host' : 'speak in';
      const text = `${actor.displayName} invited you to ${what} “${state.title}”.`;
      // A block between them refuses the DM; the invitation stands in the room either way.
      await sendMessage(services, actor.id, effect.user.id, text, {
        kind: 'space_invite',
        spaceId,
        role: effect.role,
      }).catch(() => undefined);
      await notifier.notify({
        userId: effect.user.id,
        kind: 'space_invite',
        actorId: actor.id,
        data: { spaceId, title: state.title, role: effect.role },
      });
    }
  }

  /** The room and the viewer's role in it: the socket and media routes refuse removed, blocked and unticketed people with it. */
  async function standing(spaceId: string, userId: string | null): Promise<{ state: RoomState; role: Role }> {
    const { state, hostId } = await loadRoom(db, spaceId);
    const blocked = userId ? (await blockedByHost(db, hostId, [userId])).has(userId) : false;
    return { state, role: roleOf(state, userId, blocked, await services.tickets.admission(db, spaceId, userId)) };
  }

  /** Events after `since`, or null when the log cannot fill the gap (the client takes a snapshot). */
  async function eventsSince(spaceId: string, since: number, upTo: number) {
    const rows = await db
      .selectFrom('space_events')
      .select(['seq', 'event'])
      .where('space_id', '=', spaceId)
      .where('seq', '>', since)
      .where('seq', '<=', upTo)
      .orderBy('seq')
      .execute();
    if (rows.length !== upTo - since) return null;
    return rows.map((r) => ({ seq: r.seq, event: r.event as RoomEvent }));
  }

  return {
    create,
    run,
    eventsSince,
    load: (spaceId: string) => loadRoom(db, spaceId),
    standing,
    recordSpeaking,
    clearAfterRestart,
    markMissedIfLate,
    endIfHostsAbsent,
    /** Registers work to do in the transaction of every change (see SpaceChangeHook). */
    onChange: (hook: SpaceChangeHook) => {
      hooks.push(hook);
    },
    enforceBlock,
    enforceSuspension,
  };
}

export type SpaceService = ReturnType<typeof createSpaceService>;
