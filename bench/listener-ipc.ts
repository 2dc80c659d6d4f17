// No imports: listener processes load either node-datachannel or nothing else (never libwebrtc).

/** A listener process's side of the bench protocol: ready, reset, count, stop. */
export function answerBench(
  listeners: { received: number; pc: { close(): void } }[],
  retries: number,
  exitDelayMs = 0,
) {
  process.send?.({ type: 'ready', retries });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'reset') for (const l of listeners) l.received = 0;
    if (m.type === 'count')
      process.send?.({
        type: 'count',
        received: listeners.reduce((a, l) => a + l.received, 0),
        silent: listeners.filter((l) => l.received === 0).length,
      });
    if (m.type === 'stop') {
      for (const l of listeners) l.pc.close();
      setTimeout(() => process.exit(0), exitDelayMs);
    }
  });
}
