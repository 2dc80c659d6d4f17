/**
 * Runs a heartbeat's check once the sockets' pending reads are in. A heartbeat timer that fires
 * late (the event loop was held, e.g. by a long synchronous query of the embedded database) runs
 * before the I/O that waited meanwhile, so pongs that arrived in time would read as missed and
 * live sockets were dropped (1006). `setImmediate` runs after the event loop's poll phase.
 */
export function afterPendingReads(check: () => void) {
  setImmediate(check);
}
