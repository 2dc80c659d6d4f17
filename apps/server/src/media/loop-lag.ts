/**
 * Whether this process's event loop has stalled lately. Packets reach JavaScript through
 * libdatachannel's queue (a thread-safe function per track, no bound), which Node drains whole at
 * each turn of the loop: a packet waits there about as long as the loop's longest turn. So while
 * the loop is stalling (a starved CPU), a packet seconds late waited in that queue here; while it
 * is not, a packet seconds late is the sender's own lag (its capture paused).
 */
const TICK_MS = 50;
/** A tick this much later than due: a turn of the loop long enough to build a backlog... */
const STALL_MS = 1000;
/** ...and for this long after, packets still come out of the queue it built. */
const HOLD_MS = 3000;

let lastTick = performance.now();
let behindUntil = 0;
setInterval(() => {
  const now = performance.now();
  if (now - lastTick > TICK_MS + STALL_MS) behindUntil = now + HOLD_MS;
  lastTick = now;
}, TICK_MS).unref();

export function loopBehind(now = performance.now()): boolean {
  return now - lastTick > TICK_MS + STALL_MS || now < behindUntil;
}
