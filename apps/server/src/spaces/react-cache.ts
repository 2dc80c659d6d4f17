import type { RoomState } from '@earshot/protocol';

type Room = { state: RoomState; seq: number; hostId: string };
type Entry<T> = { value: Promise<T>; at: number };

/**
 * What a reaction is decided on, kept in memory: a reaction changes nothing, so it must not wait
 * in line for the database behind speaking changes, captions and commands. This node's commits
 * keep a Space's entry exact (they pass through `committed`); changes made on another node reach
 * it within `ttlMs`, so a person removed there may still react here for that long.
 */
export class ReactCache {
  readonly #rooms = new Map<string, Entry<Room>>();
  readonly #blocks = new Map<string, Entry<Set<string>>>();
  readonly #ticketed = new Map<string, Entry<boolean>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  #get<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    if (map.size > 10_000) map.clear();
    const value = load();
    map.set(key, { value, at: this.now() });
    // A failed read is not kept.
    value.catch(() => map.get(key)?.value === value && map.delete(key));
    return value;
  }

  room = (spaceId: string, load: () => Promise<Room>) => this.#get(this.#rooms, spaceId, load);
  /** Everyone the host has blocked (their block list covers all their Spaces). */
  blockedBy = (hostId: string, load: () => Promise<Set<string>>) => this.#get(this.#blocks, hostId, load);
  ticketed = (spaceId: string, load: () => Promise<boolean>) => this.#get(this.#ticketed, spaceId, load);

  /** After a commit on this node: its state, unless a later one is known already. */
  committed(spaceId: string, room: Room) {
    const known = this.#rooms.get(spaceId);
    void (known?.value ?? Promise.resolve(null))
      .catch(() => null)
      .then((old) => {
        if (old && old.seq > room.seq) return;
        this.#rooms.set(spaceId, { value: Promise.resolve(room), at: this.now() });
      });
  }

  /** The host blocked someone (from their profile, or in a Space). */
  forgetBlocks(hostId: string) {
    this.#blocks.delete(hostId);
  }
}
