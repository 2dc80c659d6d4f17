import { spawnSync } from 'node:child_process';

/**
 * Test speech: espeak-ng says `text`, sox turns it into 16-bit mono PCM at `rate` (48 kHz for
 * WebRTC bots, 16 kHz for engines). Both are Debian packages that .ci/run installs.
 */
export function speak(text: string, rate = 48_000, voice = 'en-us'): Int16Array {
  const wav = spawnSync('espeak-ng', ['-v', voice, '-s', '150', '--stdout', text], { maxBuffer: 64 << 20 });
  if (wav.status !== 0) throw new Error(`espeak-ng failed: ${wav.stderr}`);
  const raw = spawnSync(
    'sox',
    ['-t', 'wav', '-', '-t', 'raw', '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed', '-'],
    {
      input: wav.stdout,
      maxBuffer: 64 << 20,
    },
  );
  if (raw.status !== 0) throw new Error(`sox failed: ${raw.stderr}`);
  const bytes = raw.stdout;
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Word error rate: word-level edit distance / reference words (case and punctuation ignored). */
export function wordErrorRate(reference: string, hypothesis: string) {
  const words = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9' ]+/g, ' ')
      .split(/\s+/)
      .filter(Boolean);
  const ref = words(reference);
  const hyp = words(hypothesis);
  let row = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const next = [i];
    for (let j = 1; j <= hyp.length; j++)
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (ref[i - 1] === hyp[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return { errors: row[hyp.length] ?? 0, words: ref.length };
}
