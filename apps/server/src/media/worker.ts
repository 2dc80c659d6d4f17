/**
 * A media worker: a child process with its own UDP port that runs rooms for the main process
 * (node-datachannel cannot run in two threads of one process, so the unit of parallelism is a
 * process per core). It answers the main process's calls and reports events by id.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LocalMedia, loadSinks } from './local';
import type { FromMediaWorker, ToMediaWorker, WorkerConfig } from './worker-protocol';

// A send after the main process went away fails quietly: the disconnect handler is ending us.
const send = (message: FromMediaWorker) => {
  if (process.connected) process.send?.(message, undefined, undefined, () => {});
};
const config = JSON.parse(process.env.EARSHOT_MEDIA_WORKER ?? '{}') as WorkerConfig;

const onError = (err: unknown) => send({ type: 'error', message: String((err as Error)?.stack ?? err) });

const local = new LocalMedia({
  settings: config.settings,
  peerTimeoutMs: config.peerTimeoutMs,
  onError,
  sinks: await loadSinks(config.sinks),
  worker: config.worker,
  mix: config.mix,
  emit: (event) => send({ type: 'event', event }),
});

async function run(op: ToMediaWorker['op'], args: unknown[]): Promise<unknown> {
  const a = args as [string, ...never[]];
  switch (op) {
    case 'openRoom':
      local.openRoom(a[0], args[1] as boolean);
      return;
    case 'closeRoom':
      return local.closeRoom(a[0]);
    case 'publish': {
      const connected = await local.publish(a[0], args[1] as string, args[2] as never);
      return { ...connected, gone: !local.peer(connected.peerId) };
    }
    case 'subscribe': {
      const connected = await local.subscribe(a[0], args[1] as string, args[2] as never);
      const peer = local.peer(connected.peerId);
      return { ...connected, gone: !peer, mix: peer?.mix ?? false };
    }
    case 'setMuted':
      return local.setMuted(a[0], args[1] as string, args[2] as boolean);
    case 'closePeer':
      return local.closePeer(a[0], args[1] as never);
    case 'control':
      return local.control(a[0], args[1] as string, args[2]);
    case 'addFeed':
      return local.addFeed(a[0], args[1] as number);
    case 'removeFeed':
      return local.removeFeed(a[0], args[1] as number);
    case 'setRemoteMix':
      return local.setRemoteMix(a[0], args[1] as number);
  }
}

process.on('message', (m: ToMediaWorker) => {
  run(m.op, m.args).then(
    (value) => send({ type: 'reply', id: m.id, value }),
    (err: Error & { code?: string }) =>
      send({ type: 'reply', id: m.id, error: { name: err.name, code: err.code, message: err.message } }),
  );
});
// The main process went away (it crashed or was killed): finish the files and leave.
process.on('disconnect', () => {
  void local.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
// How late this process's timers run, the worst of the last 10 one-second windows (Node counts the
// sampling interval in each delay: it is taken off): a stalled worker delays every packet and answer it holds.
const RESOLUTION_MS = 10;
const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
loop.enable();
const windows: Array<{ maxMs: number; p99Ms: number }> = [];
const report = () => {
  const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
  const late = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  // An empty window (no timer ran in it) has no max and a meaningless percentile.
  windows.push(loop.count ? { maxMs: late(loop.max), p99Ms: late(loop.percentile(99)) } : { maxMs: 0, p99Ms: 0 });
  if (windows.length > 10) windows.shift();
  loop.reset();
  const loopDelay = {
    maxMs: Math.max(...windows.map((w) => w.maxMs)),
    p99Ms: Math.max(...windows.map((w) => w.p99Ms)),
  };
  send({ type: 'stats', ...local.stats(), memory: { rss, heapUsed, arrayBuffers }, loopDelay });
};
setInterval(report, 1000).unref();

send({ type: 'ready', feedPort: await local.listenForFeeds() });
report();
