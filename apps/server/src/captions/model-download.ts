import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { KnownFile } from './known-models';

/** A download or unpack that went wrong; nothing of it is left on disk. */
export class ModelDownloadError extends Error {}

/** Fetches `url` into `file`, checking its SHA-256 (and size, when known) as it streams. */
async function download(
  url: string,
  file: string,
  expected: { sha256: string; bytes?: number },
  log: (line: string) => void,
) {
  const res = await fetch(url, { redirect: 'follow' }).catch((err: Error) => {
    throw new ModelDownloadError(`could not download ${url}: ${err.message}`);
  });
  if (!res.ok || !res.body) throw new ModelDownloadError(`could not download ${url}: HTTP ${res.status}`);
  const announced = Number(res.headers.get('content-length') ?? Number.NaN);
  const hash = createHash('sha256');
  let got = 0;
  let shown = 0;
  const total = expected.bytes ?? announced;
  try {
    await pipeline(
      res.body,
      async function* (chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          got += chunk.length;
          const percent = total > 0 ? Math.floor((got / total) * 10) * 10 : 0;
          if (percent > shown && percent < 100) {
            shown = percent;
            log(`  ${percent}% of ${(total / 1e6).toFixed(0)} MB`);
          }
          yield chunk;
        }
      },
      createWriteStream(file),
    );
  } catch (err) {
    throw new ModelDownloadError(`the download of ${url} broke off after ${got} bytes (${(err as Error).message})`);
  }
  const short = (n: number) => `the download of ${url} is truncated: ${got} of ${n} bytes`;
  if (Number.isFinite(announced) && got !== announced) throw new ModelDownloadError(short(announced));
  if (expected.bytes !== undefined && got !== expected.bytes) throw new ModelDownloadError(short(expected.bytes));
  const sha256 = hash.digest('hex');
  if (sha256 !== expected.sha256.toLowerCase())
    throw new ModelDownloadError(`${url} has the wrong checksum: SHA-256 ${sha256}, expected ${expected.sha256}`);
}

function untar(archive: string, into: string) {
  return new Promise<void>((resolve, reject) => {
    const tar = spawn('tar', ['-xjf', archive, '-C', into, '--no-same-owner'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    tar.stderr.on('data', (d) => {
      stderr += d;
    });
    tar.on('error', (err) => reject(new ModelDownloadError(`could not run tar (needs tar and bzip2): ${err.message}`)));
    tar.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new ModelDownloadError(`could not unpack ${path.basename(archive)}: ${stderr.trim()}`)),
    );
  });
}

/**
 * Downloads a model archive (`<base>/<file>`), checks it, unpacks it and moves its directory to
 * `modelsDir/<name>`, adding `extras` (single files) inside. Work happens in a hidden folder in
 * `modelsDir`, removed whatever happens: a bad checksum, a broken-off download or a failed unpack
 * leaves nothing behind. Returns the model directory.
 */
export async function installModel(options: {
  name: string;
  archive: KnownFile | { file: string; sha256: string; bytes?: number };
  extras?: KnownFile[];
  baseUrl: string;
  modelsDir: string;
  log: (line: string) => void;
}): Promise<string> {
  const { name, archive, baseUrl, modelsDir, log } = options;
  const target = path.join(modelsDir, name);
  if (existsSync(target)) {
    log(`${target} is there already (delete it to download again)`);
    return target;
  }
  mkdirSync(modelsDir, { recursive: true });
  const work = path.join(modelsDir, `.download-${name}-${randomBytes(4).toString('hex')}`);
  mkdirSync(work);
  try {
    const file = path.join(work, archive.file);
    log(`downloading ${baseUrl}/${archive.file}`);
    await download(`${baseUrl}/${archive.file}`, file, archive, log);
    const unpacked = path.join(work, 'unpacked');
    mkdirSync(unpacked);
    await untar(file, unpacked);
    const dir = path.join(unpacked, name);
    if (!existsSync(dir)) throw new ModelDownloadError(`${archive.file} does not hold a directory named ${name}`);
    for (const extra of options.extras ?? []) {
      log(`downloading ${baseUrl}/${extra.file}`);
      await download(`${baseUrl}/${extra.file}`, path.join(dir, extra.file), extra, log);
    }
    renameSync(dir, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
