// A generated hour through the recording path: three speakers take turns (20 s each) for an
// hour; each speaker's Opus packets go through TrackWriter (the live recorder's writer, RTP in,
// Ogg out, silence filled between turns), then the mixdown job's mixdown() makes the Opus and
// M4A files. Reports the writer's cost per packet and the mixdown's wall and CPU time.
//   npm run bench:mixdown [-- MINUTES]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALL_FORMATS, EncodedPacketSink, FilePathSource, Input } from 'mediabunny';
import { mixdown } from '../apps/server/src/recording/mixdown';
import { TrackWriter } from '../apps/server/src/recording/track-writer';

const minutes = Number(process.argv[2] ?? 60);
const durationMs = minutes * 60_000;
const TURN_MS = 20_000;
const SPEAKERS = [220, 330, 440];
const dir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-mixdown-'));

/** One turn's worth of real Opus packets (a voice-like tone with vibrato), from ffmpeg's libopus. */
async function turnPackets(frequency: number): Promise<Uint8Array[]> {
  const file = path.join(dir, `turn-${frequency}.ogg`);
  const tone = `sine=f=${frequency}:d=${TURN_MS / 1000}:sample_rate=48000,vibrato=f=5:d=0.3,volume=0.3`;
  const res = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    tone,
    '-ac',
    '1',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    '-application',
    'voip',
    '-frame_duration',
    '20',
    file,
  ]);
  if (res.status !== 0) throw new Error(String(res.stderr));
  const input = new Input({ source: new FilePathSource(file), formats: ALL_FORMATS });
  const track = await input.getPrimaryAudioTrack();
  if (!track) throw new Error('no audio track');
  const packets: Uint8Array[] = [];
  for await (const packet of new EncodedPacketSink(track).packets()) packets.push(packet.data);
  return packets;
}

const rtp = (seq: number, ts: number, payload: Uint8Array) => {
  const packet = Buffer.alloc(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = 111;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(ts >>> 0, 4);
  packet.set(payload, 12);
  return packet;
};

const turns = await Promise.all(SPEAKERS.map(turnPackets));
const tracks: { file: string; offsetMs: number }[] = [];
let packets = 0;
let writeNs = 0n;
for (const [i] of SPEAKERS.entries()) {
  // Each speaker is on from the start; they talk in every third turn and are muted otherwise
  // (no packets reach the recorder while muted: the writer fills the gap with silence).
  const file = path.join(dir, `speaker-${i}.ogg`);
  const writer = new TrackWriter(file);
  const mine = turns[i] as Uint8Array[];
  let seq = 0;
  for (let turnStart = i * TURN_MS; turnStart < durationMs; turnStart += TURN_MS * SPEAKERS.length) {
    for (const [k, payload] of mine.entries()) {
      const atMs = turnStart + k * 20;
      if (atMs >= durationMs) break;
      const packet = rtp(seq++, 1000 + atMs * 48, payload);
      const t0 = process.hrtime.bigint();
      writer.write(packet, atMs); // the hour's own clock: this loop runs faster than real time
      writeNs += process.hrtime.bigint() - t0;
      packets += 1;
    }
  }
  const t0 = process.hrtime.bigint();
  await writer.close();
  writeNs += process.hrtime.bigint() - t0;
  tracks.push({ file, offsetMs: 0 });
}
console.log(
  `tracks: ${SPEAKERS.length} × ${minutes} min, ${packets} packets written, ${(Number(writeNs) / packets / 1000).toFixed(2)} µs per packet in TrackWriter (incl. close)`,
);

const cpuBefore = process.cpuUsage();
const t0 = performance.now();
const sizes = await mixdown({
  tracks,
  durationMs,
  opusFile: path.join(dir, 'recording.ogg'),
  m4aFile: path.join(dir, 'recording.m4a'),
  ffmpeg: process.env.FFMPEG_PATH ?? 'ffmpeg',
});
const wallS = (performance.now() - t0) / 1000;
const children = spawnSync('sh', ['-c', 'cat /proc/loadavg']).stdout.toString().trim();
const own = process.cpuUsage(cpuBefore);
const probe = (f: string) =>
  spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', f])
    .stdout.toString()
    .trim();
console.log(
  `mixdown of ${minutes} min: ${wallS.toFixed(1)} s wall (target ≤ 60 s for 60 min) — opus ${(sizes.opusBytes / 1e6).toFixed(1)} MB (${probe(path.join(dir, 'recording.ogg'))} s), m4a ${(sizes.m4aBytes / 1e6).toFixed(1)} MB (${probe(path.join(dir, 'recording.m4a'))} s); node's own CPU ${((own.user + own.system) / 1e6).toFixed(1)} s; loadavg ${children}`,
);
console.log(`track files: ${tracks.map((t) => `${(statSync(t.file).size / 1e6).toFixed(1)} MB`).join(', ')}`);
rmSync(dir, { recursive: true, force: true });
