import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
type Output = { stdout: string; stderr: string; code?: number };

describe('npm run captions:model', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-models-'));
  let archive: Buffer;
  let sha256: string;
  let base: string;
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/release/tiny-model.tar.bz2')
      return res.writeHead(200, { 'content-length': archive.length }).end(archive);
    if (url === '/truncated/tiny-model.tar.bz2') {
      // Says the whole size, sends half, then the connection drops.
      res.writeHead(200, { 'content-length': archive.length });
      res.write(archive.subarray(0, archive.length >> 1));
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    // A known model's name, but not its bytes (a tampered mirror).
    if (url === '/release/sherpa-onnx-streaming-zipformer-en-20M-2023-02-17.tar.bz2')
      return res.writeHead(200).end(archive);
    res.writeHead(404).end('not found');
  });

  before(async () => {
    // A small model archive as the release packs them: one top directory named like the model.
    const src = path.join(dir, 'src', 'tiny-model');
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'tokens.txt'), '<blk> 0\na 1\n');
    writeFileSync(path.join(src, 'encoder.onnx'), Buffer.alloc(4096, 7));
    execFileSync('tar', ['-cjf', path.join(dir, 'tiny-model.tar.bz2'), '-C', path.join(dir, 'src'), 'tiny-model']);
    archive = readFileSync(path.join(dir, 'tiny-model.tar.bz2'));
    sha256 = createHash('sha256').update(archive).digest('hex');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fetchModel = (dataDir: string, urlBase: string, ...args: string[]): Promise<Output> =>
    run('npm', ['run', '--silent', 'captions:model', '--', ...args], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, CAPTIONS_MODEL_BASE_URL: urlBase },
    }).catch((err: Output) => err);
  const fresh = (name: string) => path.join(dir, name);
  const left = (dataDir: string) =>
    existsSync(path.join(dataDir, 'models')) ? readdirSync(path.join(dataDir, 'models')) : [];

  it('downloads, checks, unpacks into DATA_DIR/models and prints the CAPTIONS_MODEL line', async () => {
    const dataDir = fresh('good');
    const out = await fetchModel(dataDir, `${base}/release`, 'tiny-model', '--sha256', sha256);
    assert.equal(out.code, undefined, out.stderr);
    const modelDir = path.join(dataDir, 'models', 'tiny-model');
    assert.equal(out.stdout.trim(), `CAPTIONS_ENGINE=sherpa-onnx CAPTIONS_MODEL=${modelDir}`);
    assert.equal(readFileSync(path.join(modelDir, 'tokens.txt'), 'utf8'), '<blk> 0\na 1\n');
    assert.deepEqual(left(dataDir), ['tiny-model'], 'no download folder or archive left');
    // Again: it is there already, nothing is fetched.
    const again = await fetchModel(dataDir, 'http://127.0.0.1:9/nowhere', 'tiny-model.tar.bz2', '--sha256', sha256);
    assert.equal(again.code, undefined, again.stderr);
    assert.match(again.stderr, /there already/);
  });

  it('a wrong checksum, a broken-off download or a tampered known model leaves nothing behind', async () => {
    const cases: Array<[string, string, string[], RegExp]> = [
      ['checksum', `${base}/release`, ['tiny-model', '--sha256', '0'.repeat(64)], /wrong checksum/],
      ['truncated', `${base}/truncated`, ['tiny-model', '--sha256', sha256], /truncated|broke off/],
      [
        'tampered',
        `${base}/release`,
        ['sherpa-onnx-streaming-zipformer-en-20M-2023-02-17'],
        /truncated|wrong checksum/,
      ],
      ['missing', `${base}/release`, ['other-model', '--sha256', sha256], /HTTP 404/],
    ];
    for (const [what, urlBase, args, message] of cases) {
      const dataDir = fresh(what);
      const out = await fetchModel(dataDir, urlBase, ...args);
      assert.equal(out.code, 1, `${what}: ${out.stdout}`);
      assert.match(out.stderr, message, what);
      assert.equal(out.stdout, '', `${what}: no CAPTIONS_MODEL line`);
      assert.deepEqual(left(dataDir), [], `${what}: nothing left`);
    }
  });

  it('refuses an unknown name without a checksum, naming the known models', async () => {
    const out = await fetchModel(fresh('unknown'), `${base}/release`, 'tiny-model');
    assert.equal(out.code, 2);
    assert.match(out.stderr, /not a model this command knows[\s\S]*sherpa-onnx-streaming-zipformer-en-20M-2023-02-17/);
  });
});
