import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { spawnTool } from '../media/spawn-tool';

export interface MixdownInput {
  /** Each speaker connection's Ogg Opus file and where it starts on the Space's timeline. */
  tracks: { file: string; offsetMs: number }[];
  /** The Space's length: the mix is exactly this long, silence where nobody spoke. */
  durationMs: number;
  /** Output files (written beside as .part, then renamed, so a crash leaves no half file). */
  opusFile: string;
  m4aFile: string;
  ffmpeg: string;
}

/**
 * One file of the whole Space, in two formats (Opus in Ogg, AAC in M4A), with Debian's ffmpeg.
 * One ffmpeg decodes and mixes the tracks to raw PCM; two more encode it at the same time, one
 * per core: a single ffmpeg runs its encoders one after another, twice as slow for a long Space.
 */
export async function mixdown(input: MixdownInput): Promise<{ opusBytes: number; m4aBytes: number }> {
  const seconds = (input.durationMs / 1000).toFixed(3);
  const pcm = ['-f', 's16le', '-ar', '48000', '-ac', '1'];
  const mixArgs = ['-nostdin', '-v', 'error'];
  if (input.tracks.length === 0) {
    mixArgs.push('-f', 'lavfi', '-i', `anullsrc=r=48000:cl=mono,atrim=end=${seconds}`);
  } else {
    for (const t of input.tracks) mixArgs.push('-i', t.file);
    const delayed = input.tracks.map((t, i) => `[${i}:a]adelay=delays=${Math.round(t.offsetMs)}:all=1[t${i}]`);
    const inputs = input.tracks.map((_, i) => `[t${i}]`).join('');
    const mix = `${inputs}amix=inputs=${input.tracks.length}:duration=longest:normalize=0`;
    mixArgs.push('-filter_complex', `${delayed.join(';')};${mix},apad=whole_dur=${seconds},atrim=end=${seconds}`);
  }
  mixArgs.push(...pcm, 'pipe:1');

  await mkdir(path.dirname(input.opusFile), { recursive: true });
  await mkdir(path.dirname(input.m4aFile), { recursive: true });
  const opusPart = `${input.opusFile}.part`;
  const m4aPart = `${input.m4aFile}.part`;
  const mixer = run(input.ffmpeg, mixArgs, 'mixing');
  // Each encoder reads the mix's PCM on stdin and writes one file.
  const encode = (codec: string[], file: string, what: string) =>
    run(input.ffmpeg, ['-nostdin', '-v', 'error', ...pcm, '-i', 'pipe:0', ...codec, '-y', file], what);
  const toOpus = encode(
    ['-c:a', 'libopus', '-b:a', '48k', '-application', 'voip', '-f', 'ogg'],
    opusPart,
    'Opus encoding',
  );
  const toM4a = encode(['-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', '-f', 'mp4'], m4aPart, 'AAC encoding');
  // One PCM stream to both encoders; the slower one sets the pace (pipe backpressure).
  const a = new PassThrough();
  const b = new PassThrough();
  mixer.child.stdout?.pipe(a).pipe(toOpus.child.stdin as NodeJS.WritableStream);
  mixer.child.stdout?.pipe(b).pipe(toM4a.child.stdin as NodeJS.WritableStream);
  try {
    await Promise.all([mixer.done, toOpus.done, toM4a.done]);
  } catch (err) {
    for (const p of [mixer, toOpus, toM4a]) p.child.kill('SIGKILL');
    await Promise.all([rm(opusPart, { force: true }), rm(m4aPart, { force: true })]);
    throw err;
  }
  await rename(opusPart, input.opusFile);
  await rename(m4aPart, input.m4aFile);
  return { opusBytes: (await stat(input.opusFile)).size, m4aBytes: (await stat(input.m4aFile)).size };
}

function run(command: string, args: string[], what: string) {
  const child = spawnTool(command, args);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  // An encoder that fails closes its stdin under the mixer's pipe: not an error of its own.
  child.stdin?.on('error', () => {});
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'ENOENT'
            ? `${command} was not found: install ffmpeg (Debian: apt-get install ffmpeg) or set FFMPEG_PATH`
            : `${what} failed: ${err.message}`,
        ),
      ),
    );
    child.once('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${what} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`)),
    );
  });
  return { child, done };
}
