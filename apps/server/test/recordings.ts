import { spawnSync } from 'node:child_process';
import type { Client } from './helpers';
import { toneLevel } from './media-bots';

/** Test-side reading of recordings: the API's status, and the files with Debian's ffmpeg/ffprobe (what a player sees). */
const RATE = 8000;

/** Decodes any audio file to 8 kHz mono samples; throws with ffmpeg's message when it cannot. */
export function decode(file: string): Int16Array {
  const res = spawnSync(
    'ffmpeg',
    ['-nostdin', '-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-ar', String(RATE), 'pipe:1'],
    {
      maxBuffer: 1 << 30,
    },
  );
  if (res.status !== 0) throw new Error(`ffmpeg could not decode ${file}: ${res.stderr}`);
  const bytes = res.stdout as Buffer;
  return new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
}

/** The container's duration in seconds, as ffprobe reads it. */
export function duration(file: string): number {
  const res = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`ffprobe failed on ${file}: ${res.stderr}`);
  return Number(res.stdout.trim());
}

const slice = (pcm: Int16Array, fromMs: number, toMs: number) => {
  const from = Math.max(0, Math.floor((fromMs * RATE) / 1000));
  return pcm.subarray(from, Math.max(from, Math.floor((toMs * RATE) / 1000)));
};

/** RMS between two times (ms). */
export function rmsBetween(pcm: Int16Array, fromMs: number, toMs: number): number {
  const part = slice(pcm, fromMs, toMs);
  if (part.length === 0) return 0;
  let sum = 0;
  for (const s of part) sum += s * s;
  return Math.sqrt(sum / part.length);
}

/** Amplitude of one frequency between two times (Goertzel), on the same scale as RMS of a pure tone. */
export function toneBetween(pcm: Int16Array, frequency: number, fromMs: number, toMs: number): number {
  return toneLevel(slice(pcm, fromMs, toMs), frequency, RATE);
}

/** The last time (ms) at which a 100 ms window is louder than `threshold`. */
export function lastSoundMs(pcm: Int16Array, threshold = 1000): number {
  const windowMs = 100;
  for (let t = (pcm.length / RATE) * 1000 - windowMs; t >= 0; t -= windowMs)
    if (rmsBetween(pcm, t, t + windowMs) > threshold) return t + windowMs;
  return 0;
}

/** Polls the recording until it is ready (or failed), as the web app does. */
export async function recordingReady(client: Client, spaceId: string, timeoutMs = 30_000) {
  const start = Date.now();
  for (;;) {
    const res = await client.get(`/api/spaces/${spaceId}/recording/info`);
    if (res.status === 200 && res.body.status === 'ready') return res.body;
    if (res.body?.status === 'failed') throw new Error('the recording failed');
    if (Date.now() - start > timeoutMs) throw new Error(`not ready in ${timeoutMs} ms: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
