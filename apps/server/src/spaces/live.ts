import { randomBytes } from 'node:crypto';
import type { RoomEvent, SpaceServerMessage, UserSummary } from '@earshot/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Bus } from '../bus/bus';
import { afterPendingReads } from '../realtime/heartbeat';
import type { Db } from '../store/db';
import { type SpaceBusMessage, type SpaceService, spaceChannel } from './service';

/** Close codes a client can act on: 4403 = removed or blocked (do not reconnect), 1000 = ended. */
export const SpaceCloseCode = { removed: 4403, ended: 1000 } as const;

const SAMPLE = 12;
const NODE_STALE_MS = 15_000;

interface LiveSocket {
  ws: WebSocket;
  viewerId: string | null;
  /** The last seq this socket has; events at or below it are not sent again. */
  seq: number;
  /** Answered the last ping; a socket that misses one is closed (its peer vanished). */
  alive: boolean;
  /** Until its first snapshot or catch-up is sent, events wait here. */
  queue: Array<{ seq: number; text: string; event: RoomEvent }> | null;
}

interface Presence {
  user: UserSummary | null;
  sockets: number;
  leaveTimer?: NodeJS.Timeout;
}

/** One Space as seen from this node: its sockets, who is here, and the ordered event stream. */
class RoomFeed {
  readonly sockets = new Set<LiveSocket>();
  readonly present = new Map<string, Presence>();
  readonly nodes = new Map<string, { count: number; sample: UserSummary[]; at: number }>();
  lastSeq = 0;
  readonly pending = new Map<number, RoomEvent>();
  gapTimer?: NodeJS.Timeout;
  presenceTimer?: NodeJS.Timeout;
  announceTimer?: NodeJS.Timeout;
  lastBroadcast = '';
  lastStored = -1;
  unsubscribe: () => void = () => {};
  constructor(readonly spaceId: string) {}

  totals() {
    const now = Date.now();
    let listenerCount = 0;
    const listeners = new Map<string, UserSummary>();
    for (const [id, n] of this.nodes) {
      if (now - n.at > NODE_STALE_MS) {
        this.nodes.delete(id);
        continue;
      }
      listenerCount += n.count;
      for (const u of n.sample) if (listeners.size < SAMPLE) listeners.set(u.id, u);
    }
    return { listenerCount, listeners: [...listeners.values()] };
  }
}

/**
 * The realtime side of Spaces on one node: fans each Space's events out to its sockets in strict
 * sequence (filling gaps from the event log), relays reactions, and counts who is here across
 * nodes (each node announces its own count on the Space's channel).
 */
export class SpaceHub {
  readonly nodeId = randomBytes(6).toString('hex');
  readonly #feeds = new Map<string, Promise<RoomFeed>>();
  readonly #known = new Map<string, RoomFeed>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(
    private readonly bus: Bus,
    private readonly db: Db,
    private readonly service: SpaceService,
    private readonly graceMs: number,
    private readonly log: FastifyBaseLogger,
    heartbeatMs = 5000,
  ) {
    this.#heartbeat = setInterval(() => {
      for (const feed of this.#feeds.values())
        void feed.then((f) => {
          this.#announce(f);
          afterPendingReads(() => this.#ping(f));
        });
    }, heartbeatMs);
    this.#heartbeat.unref();
    // Redis was away: events of other nodes did not arrive. Read what was missed from the log.
    bus.onRecover(() => {
      for (const p of this.#feeds.values())
        void p
          .then(async (feed) => {
            const { seq } = await this.service.load(feed.spaceId);
            if (seq > feed.lastSeq) await this.#catchUp(feed, seq);
            this.#announce(feed);
          })
          .catch((err) => this.log.warn({ err, code: 'catch_up_failed' }, 'catching up after a bus outage failed'));
    });
  }

  /** Adds a socket to a Space: sends the snapshot (or the missed events after `since`), then live events. */
  async join(spaceId: string, ws: WebSocket, viewer: UserSummary | null, presenceKey: string, since?: number) {
    const feed = await this.#feed(spaceId);
    const live: LiveSocket = { ws, viewerId: viewer?.id ?? null, seq: 0, alive: true, queue: [] };
    feed.sockets.add(live);
    // A pong, or anything it sends: a socket busy sending is not a vanished one.
    const answered = () => {
      live.alive = true;
    };
    ws.on('pong', answered);
    ws.on('message', answered);
    this.#arrive(feed, presenceKey, viewer);
    ws.on('close', () => {
      feed.sockets.delete(live);
      this.#depart(feed, presenceKey);
    });

    const { state, seq } = await this.service.load(spaceId);
    const missed = since !== undefined && since <= seq ? await this.service.eventsSince(spaceId, since, seq) : null;
    if (missed) {
      for (const m of missed) send(ws, { type: 'event', seq: m.seq, event: m.event });
      // A catch-up carries no count; the reconnected client needs one now, not at the next change.
      send(ws, { type: 'presence', ...feed.totals() });
    } else send(ws, { type: 'snapshot', seq, space: state, ...feed.totals() });
    live.seq = seq;
    for (const q of live.queue ?? []) this.#sendEvent(live, q.seq, q.text, q.event);
    live.queue = null;
  }

  /** Who is here, if this node follows the Space. */
  presence(spaceId: string) {
    const feed = this.#known.get(spaceId);
    return feed?.totals();
  }

  /** The signed-in people with a live socket open on this node, by Space. */
  connectedUsers(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const feed of this.#known.values()) {
      const ids = new Set<string>();
      for (const p of feed.present.values()) if (p.user && p.sockets > 0) ids.add(p.user.id);
      if (ids.size > 0) out.set(feed.spaceId, ids);
    }
    return out;
  }

  async close() {
    clearInterval(this.#heartbeat);
    for (const p of this.#feeds.values()) {
      const feed = await p;
      feed.unsubscribe();
      for (const s of feed.sockets) s.ws.terminate();
      for (const t of [feed.gapTimer, feed.presenceTimer, feed.announceTimer]) clearTimeout(t);
      for (const pr of feed.present.values()) clearTimeout(pr.leaveTimer);
    }
    this.#feeds.clear();
    this.#known.clear();
  }

  #feed(spaceId: string): Promise<RoomFeed> {
    let p = this.#feeds.get(spaceId);
    if (!p) {
      p = (async () => {
        const feed = new RoomFeed(spaceId);
        feed.unsubscribe = await this.bus.subscribe(spaceChannel(spaceId), (m) =>
          this.#receive(feed, m as SpaceBusMessage),
        );
        // Subscribed first, then read: every event after this seq reaches the feed.
        feed.lastSeq = (await this.service.load(spaceId)).seq;
        this.#known.set(spaceId, feed);
        return feed;
      })();
      this.#feeds.set(spaceId, p);
      p.catch(() => this.#feeds.delete(spaceId));
    }
    return p;
  }

  #receive(feed: RoomFeed, message: SpaceBusMessage) {
    try {
      if (message.type === 'event') this.#onEvent(feed, message.seq, message.event);
      else if (message.type === 'reaction' || message.type === 'caption' || message.type === 'media_lost') {
        const text = JSON.stringify(message);
        for (const s of feed.sockets) if (!s.queue) s.ws.send(text);
      } else if (message.type === 'presence-node') {
        feed.nodes.set(message.nodeId, { count: message.count, sample: message.sample, at: message.at });
        this.#schedulePresence(feed);
      }
    } catch (err) {
      this.log.error({ err, spaceId: feed.spaceId }, 'space feed failed to handle a message');
    }
  }

  /** Delivers events in sequence; an event that arrives early waits for the ones before it. */
  #onEvent(feed: RoomFeed, seq: number, event: RoomEvent) {
    if (seq <= feed.lastSeq) return;
    feed.pending.set(seq, event);
    for (let next = feed.pending.get(feed.lastSeq + 1); next; next = feed.pending.get(feed.lastSeq + 1)) {
      feed.pending.delete(feed.lastSeq + 1);
      feed.lastSeq += 1;
      this.#deliver(feed, feed.lastSeq, next);
    }
    clearTimeout(feed.gapTimer);
    if (feed.pending.size > 0) feed.gapTimer = setTimeout(() => void this.#fillGap(feed), 300);
  }

  /** A message lost between nodes: read the missing events from the log. */
  async #fillGap(feed: RoomFeed) {
    await this.#catchUp(feed, Math.max(...feed.pending.keys()));
  }

  async #catchUp(feed: RoomFeed, upTo: number) {
    const events = await this.service.eventsSince(feed.spaceId, feed.lastSeq, upTo).catch(() => null);
    for (const e of events ?? []) this.#onEvent(feed, e.seq, e.event);
  }

  #deliver(feed: RoomFeed, seq: number, event: RoomEvent) {
    const text = JSON.stringify({ type: 'event', seq, event } satisfies SpaceServerMessage);
    for (const s of feed.sockets) {
      if (s.queue) s.queue.push({ seq, text, event });
      else this.#sendEvent(s, seq, text, event);
    }
  }

  #sendEvent(s: LiveSocket, seq: number, text: string, event: RoomEvent) {
    if (seq <= s.seq) return;
    s.seq = seq;
    if (s.ws.readyState !== s.ws.OPEN) return;
    s.ws.send(text);
    // The server lets go of removed people and, when the Space ends, of everyone.
    if (event.kind === 'removed' && event.userId === s.viewerId) s.ws.close(SpaceCloseCode.removed, 'removed');
    if (event.kind === 'ended') s.ws.close(SpaceCloseCode.ended, 'ended');
  }

  /** A phone that lost its network never closes its socket: a missed ping and it is gone. */
  #ping(feed: RoomFeed) {
    for (const s of feed.sockets) {
      if (!s.alive) {
        s.ws.terminate();
        continue;
      }
      s.alive = false;
      if (s.ws.readyState === s.ws.OPEN) s.ws.ping();
    }
  }

  #arrive(feed: RoomFeed, key: string, user: UserSummary | null) {
    const p = feed.present.get(key);
    if (p) {
      clearTimeout(p.leaveTimer);
      p.leaveTimer = undefined;
      p.sockets += 1;
      return;
    }
    feed.present.set(key, { user, sockets: 1 });
    this.#scheduleAnnounce(feed);
  }

  /** A reconnect within the grace period does not flap the count. */
  #depart(feed: RoomFeed, key: string) {
    const p = feed.present.get(key);
    if (!p) return;
    p.sockets -= 1;
    if (p.sockets > 0) return;
    p.leaveTimer = setTimeout(() => {
      feed.present.delete(key);
      this.#scheduleAnnounce(feed);
      if (feed.present.size === 0 && feed.sockets.size === 0) this.#drop(feed);
    }, this.graceMs);
  }

  #drop(feed: RoomFeed) {
    this.#announce(feed);
    feed.unsubscribe();
    for (const t of [feed.gapTimer, feed.presenceTimer, feed.announceTimer]) clearTimeout(t);
    this.#feeds.delete(feed.spaceId);
    this.#known.delete(feed.spaceId);
    // Our own zero never comes back to us (we stopped listening first): store the total without us now.
    feed.nodes.set(this.nodeId, { count: 0, sample: [], at: Date.now() });
    this.#storeCount(feed, feed.totals().listenerCount);
  }

  #scheduleAnnounce(feed: RoomFeed) {
    feed.announceTimer ??= setTimeout(() => {
      feed.announceTimer = undefined;
      this.#announce(feed);
    }, 100);
  }

  /** Tells every node (this one included) how many people are here through this node. */
  #announce(feed: RoomFeed) {
    const sample: UserSummary[] = [];
    for (const p of feed.present.values()) if (p.user && sample.length < SAMPLE) sample.push(p.user);
    const message: SpaceBusMessage = {
      type: 'presence-node',
      nodeId: this.nodeId,
      count: feed.present.size,
      sample,
      at: Date.now(),
    };
    this.bus
      .publish(spaceChannel(feed.spaceId), message)
      .catch((err) => this.log.warn({ err }, 'presence announce failed'));
  }

  #schedulePresence(feed: RoomFeed) {
    feed.presenceTimer ??= setTimeout(() => {
      feed.presenceTimer = undefined;
      const totals = feed.totals();
      const text = JSON.stringify({ type: 'presence', ...totals } satisfies SpaceServerMessage);
      if (text === feed.lastBroadcast) return;
      feed.lastBroadcast = text;
      for (const s of feed.sockets) if (!s.queue && s.ws.readyState === s.ws.OPEN) s.ws.send(text);
      this.#storeCount(feed, totals.listenerCount);
    }, 250);
  }

  /** Discovery reads the count from the database; every node computes the same total. */
  #storeCount(feed: RoomFeed, listenerCount: number) {
    if (listenerCount === feed.lastStored) return;
    feed.lastStored = listenerCount;
    this.db
      .updateTable('spaces')
      .set({ listener_count: listenerCount })
      .where('id', '=', feed.spaceId)
      .execute()
      .catch((err) => this.log.warn({ err }, 'storing the listener count failed'));
  }
}

function send(ws: WebSocket, message: SpaceServerMessage) {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}
