// The recording writer's memory over a long Space (issue 17, the soak's memory question):
//   npm run bench:track-writer -- [MINUTES=60]
// Three TrackWriters (one per speaker, as a Space with three speakers records) take MINUTES of
// 20 ms Opus-sized packets as fast as the muxer drains them, into files in a temporary folder.
// Prints RSS, JS heap and Buffers every 10 minutes of audio: flat means the writer does not grow.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TrackWriter } from '../apps/server/src/recording/track-writer';

const minutes = Number(process.argv[2] ?? 60);
const dir = mkdtempSync(path.join(tmpdir(), 'earshot-track-writer-'));
const writers = [0, 1, 2].map((i) => new TrackWriter(path.join(dir, `${i}.ogg`)));
const packet = Buffer.alloc(12 + 80, 0x55);
packet[0] = 0x80; // RTP version 2
packet[1] = 111; // Opus
packet[12] = 0xfc; // TOC: CELT 20 ms, one frame
const mb = (n: number) => (n / 1048576).toFixed(0);
const report = (label: string) => {
  const m = process.memoryUsage();
  console.log(`${label}: RSS ${mb(m.rss)} MB, JS heap ${mb(m.heapUsed)} MB, Buffers ${mb(m.arrayBuffers)} MB`);
};
const t0 = Date.now();
for (let second = 0; second < minutes * 60; second++) {
  if (second % 600 === 0) report(`${second / 60} min of audio`);
  for (let frame = 0; frame < 50; frame++) {
    const n = second * 50 + frame;
    packet.writeUInt16BE(n & 0xffff, 2);
    packet.writeUInt32BE((n * 960) >>> 0, 4);
    for (const w of writers) w.write(packet, t0 + n * 20);
  }
  await new Promise((resolve) => setImmediate(resolve)); // lets the muxer's chain drain
}
await Promise.all(writers.map((w) => w.close()));
report(`${minutes} min of audio, files closed`);
rmSync(dir, { recursive: true, force: true });
