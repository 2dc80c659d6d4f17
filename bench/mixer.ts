// The room mixer's own CPU (issue 13): decode each speaker, mix, limit, encode once.
//   npm run bench:mixer -- [SPEAKERS=3] [ROOMS=10] [SECONDS=10]
// ROOMS mixers run side by side in this process, each fed SPEAKERS streams of real Opus speech
// (espeak-ng, as the captions bench) at 50 packets/s with one WebRTC listener (so it encodes), on
// the mixer's own 20 ms clock. Reports process CPU per room as a share of one core, also per frame
// and scaled to 50 frames/s for a machine too busy to keep up (MIX_FRAME_MS=60 for 60 ms output
// frames). The feeding loop is included: it costs next to nothing.
import { RoomMix } from '../apps/server/src/media/mix';
import { speechPackets } from './corpus';
import { sleep } from './harness';

const speakers = Number(process.argv[2] ?? 3);
const rooms = Number(process.argv[3] ?? 10);
const seconds = Number(process.argv[4] ?? 10);
const frameMs = Number(process.env.MIX_FRAME_MS ?? 20) as 20 | 60;
const payloads = await speechPackets();

let encoded = 0;
const mixes = Array.from({ length: rooms }, (_, r) => {
  const mix = new RoomMix(
    `room-${r}`,
    () => (encoded += 1),
    (err) => console.error(err),
    { frameMs },
  );
  mix.setListeners(1);
  return mix;
});
const header = (seq: number) => {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = 111;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE((seq * 960) >>> 0, 4);
  return h;
};
let seq = 0;
const startedAt = performance.now();
const feed = setInterval(() => {
  const due = Math.floor((performance.now() - startedAt) / 20);
  for (; seq < due; seq++)
    for (const mix of mixes)
      for (let s = 0; s < speakers; s++) {
        // Each speaker at a different place in the speech, so they overlap.
        const payload = payloads[(seq + s * 97) % payloads.length] as Buffer;
        mix.packet(`speaker-${s}`, Buffer.concat([header(seq), payload]));
      }
}, 10);

await sleep(1000); // warm up
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const mixed0 = mixes.reduce((n, m) => n + m.mixed, 0);
const busy0 = mixes.reduce((n, m) => n + m.busyMs, 0);
await sleep(seconds * 1000);
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - wall0;
const mixed = mixes.reduce((n, m) => n + m.mixed, 0) - mixed0;
const busy = mixes.reduce((n, m) => n + m.busyMs, 0) - busy0;
clearInterval(feed);
for (const m of mixes) m.close();
const cpuMs = (cpu.user + cpu.system) / 1000;
const round = (x: number, d = 2) => Number(x.toFixed(d));
console.log(
  JSON.stringify(
    {
      speakers,
      rooms,
      seconds,
      frame_ms: frameMs,
      frames_mixed_per_room_per_second: round(mixed / rooms / (wall / 1000), 1),
      packets_encoded: encoded,
      process_cpu_percent_of_one_core_per_room: round((cpuMs / wall / rooms) * 100),
      // On a starved machine fewer than 50 frames a second get mixed: per frame, then at 50/s.
      process_cpu_us_per_room_frame: round((cpuMs * 1000) / mixed, 1),
      process_cpu_percent_of_one_core_per_room_in_real_time: round((((cpuMs * 1000) / mixed) * 50) / 1e4),
      mixer_busy_percent_of_one_core_per_room: round((busy / wall / rooms) * 100),
    },
    null,
    2,
  ),
);
process.exit(0);
