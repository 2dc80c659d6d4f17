import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineError, type Recognition } from '../src/captions/engine';
import { detectSherpaModel, loadSherpaOnnx } from '../src/captions/engines/sherpa';

const root = mkdtempSync(path.join(tmpdir(), 'earshot-sherpa-'));
after(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
/** A fresh model directory holding `files` (name → contents). */
function modelDir(files: Record<string, string | Buffer>): string {
  const dir = path.join(root, `model-${dirs++}`);
  mkdirSync(dir);
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  return dir;
}

// A real, loadable ONNX model (one Identity node) written by hand as protobuf: valid for ONNX
// Runtime, but no speech model — sherpa-onnx must not be allowed to crash on it.
function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 127) {
    bytes.push((n & 127) | 128);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
const field = (num: number, value: number | Buffer | string): Buffer =>
  typeof value === 'number'
    ? Buffer.concat([varint(num << 3), varint(value)])
    : Buffer.concat([varint((num << 3) | 2), varint(Buffer.from(value).length), Buffer.from(value)]);
function identityOnnx(): Buffer {
  const tensor = field(1, Buffer.concat([field(1, 1), field(2, field(1, field(1, 1)))])); // float[1]
  const valueInfo = (name: string) => Buffer.concat([field(1, name), field(2, tensor)]);
  const node = Buffer.concat([field(1, 'x'), field(2, 'y'), field(4, 'Identity')]);
  const graph = Buffer.concat([field(1, node), field(2, 'g'), field(11, valueInfo('x')), field(12, valueInfo('y'))]);
  return Buffer.concat([
    field(1, 8), // ir_version
    field(2, 'earshot-test'),
    field(6, 'padding '.repeat(300)), // doc_string: past the size check
    field(7, graph),
    field(8, Buffer.concat([field(1, ''), field(2, 13)])), // opset_import
  ]);
}

const TOKENS = '<blk> 0\n<sos/eos> 1\n<unk> 2\nS 3\n';
const TEXT_FILE = `${'this is a text file, not a model\n'.repeat(100)}`;

function throwsEngineError(dir: string, message: RegExp): void {
  assert.throws(
    () => loadSherpaOnnx(dir),
    (err: unknown) => {
      assert.ok(err instanceof EngineError, `expected an EngineError, got ${String(err)}`);
      assert.match(err.message, message);
      return true;
    },
  );
}

describe('sherpa-onnx engine: model directory errors', () => {
  it('names a missing directory and says what to fetch', () => {
    const dir = path.join(root, 'no-such-model');
    throwsEngineError(dir, new RegExp(`${dir}.*does not exist.*sherpa-onnx-streaming-zipformer-en-20M`));
  });

  it('says to unpack when given a file instead of a directory', () => {
    const file = path.join(root, 'model.tar.bz2');
    writeFileSync(file, 'BZh9');
    throwsEngineError(file, /is a file, not a directory.*tar xjf/);
  });

  it('lists the expected files when none are recognized', () => {
    const dir = modelDir({ 'README.md': 'hello', 'model.bin': 'x' });
    throwsEngineError(dir, /holds no model.*README\.md.*joiner\*\.onnx.*tokens\.txt.*silero_vad\.onnx/);
  });

  it('names tokens.txt when a transducer lacks it', () => {
    const onnx = identityOnnx();
    const dir = modelDir({
      'encoder-epoch-99-avg-1.onnx': onnx,
      'decoder-epoch-99-avg-1.onnx': onnx,
      'joiner.onnx': onnx,
    });
    throwsEngineError(dir, /streaming transducer model but has no tokens\.txt/);
  });

  it('names the joiner when a transducer lacks it', () => {
    const onnx = identityOnnx();
    const dir = modelDir({ 'encoder.onnx': onnx, 'decoder.onnx': onnx, 'tokens.txt': TOKENS });
    throwsEngineError(dir, /has no joiner\*\.onnx/);
  });

  it('asks for silero_vad.onnx next to a Moonshine model', () => {
    const onnx = identityOnnx();
    const dir = modelDir({
      'preprocess.onnx': onnx,
      'encode.int8.onnx': onnx,
      'uncached_decode.int8.onnx': onnx,
      'cached_decode.int8.onnx': onnx,
      'tokens.txt': TOKENS,
    });
    throwsEngineError(
      dir,
      /Moonshine model, which needs a voice-activity detector.*releases\/download\/asr-models\/silero_vad\.onnx/,
    );
  });

  it('names the missing part of a Moonshine model', () => {
    const onnx = identityOnnx();
    const dir = modelDir({ 'preprocess.onnx': onnx, 'encode.onnx': onnx, 'tokens.txt': TOKENS });
    throwsEngineError(dir, /Moonshine model but has no uncached_decode\*\.onnx, no cached_decode\*\.onnx/);
  });

  it('names the tokens file a Whisper model lacks', () => {
    const onnx = identityOnnx();
    const dir = modelDir({ 'tiny.en-encoder.onnx': onnx, 'tiny.en-decoder.onnx': onnx, 'silero_vad.onnx': onnx });
    throwsEngineError(dir, /Whisper model but has no tiny\.en-tokens\.txt/);
  });

  it('refuses a text file named encoder.onnx before native code sees it', () => {
    const onnx = identityOnnx();
    const dir = modelDir({
      'encoder.onnx': TEXT_FILE,
      'decoder.onnx': onnx,
      'joiner.onnx': onnx,
      'tokens.txt': TOKENS,
    });
    throwsEngineError(
      dir,
      new RegExp(`${path.join(dir, 'encoder.onnx')} is not an ONNX model: it does not start like one`),
    );
  });

  it('refuses an HTML page, a truncated file and a Git LFS pointer', () => {
    const onnx = identityOnnx();
    const base = { 'encoder.onnx': onnx, 'decoder.onnx': onnx, 'tokens.txt': TOKENS };
    throwsEngineError(
      modelDir({ ...base, 'joiner.onnx': `<!DOCTYPE html><html>${'x'.repeat(2000)}</html>` }),
      /joiner\.onnx is not an ONNX model.*HTML page/,
    );
    throwsEngineError(
      modelDir({ ...base, 'joiner.onnx': onnx.subarray(0, 100) }),
      /joiner\.onnx is not an ONNX model \(only 100 bytes/,
    );
    throwsEngineError(
      modelDir({ ...base, 'joiner.onnx': 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n' }),
      /joiner\.onnx is a Git LFS pointer/,
    );
  });

  it('refuses a tokens.txt that is not one', () => {
    const onnx = identityOnnx();
    const dir = modelDir({ 'encoder.onnx': onnx, 'decoder.onnx': onnx, 'joiner.onnx': onnx, 'tokens.txt': onnx });
    throwsEngineError(dir, /tokens\.txt is not a sherpa-onnx tokens file/);
  });

  it('turns a native crash on a valid ONNX file of the wrong kind into an EngineError', () => {
    const onnx = identityOnnx();
    const dir = modelDir({ 'encoder.onnx': onnx, 'decoder.onnx': onnx, 'joiner.onnx': onnx, 'tokens.txt': TOKENS });
    throwsEngineError(dir, new RegExp(`could not use the model in ${dir}: native code crashed the process \\(SIG`));
  });

  it('turns a silero_vad.onnx that is no VAD into an EngineError', () => {
    const onnx = identityOnnx();
    const dir = modelDir({
      'tiny.en-encoder.onnx': onnx,
      'tiny.en-decoder.onnx': onnx,
      'tiny.en-tokens.txt': TOKENS,
      'silero_vad.onnx': onnx,
    });
    throwsEngineError(dir, /could not use the model.*while loading silero_vad\.onnx/);
  });

  it('really needs the guards: sherpa-onnx itself kills the process on these files', () => {
    // What the guards stand in front of: the bare addon, in a child, on a text file and on an
    // ONNX file of the wrong kind. Neither throws a JS error; both take the process down.
    const sherpaPath = createRequire(import.meta.url).resolve('sherpa-onnx-node');
    const onnx = identityOnnx();
    for (const encoder of [TEXT_FILE, onnx]) {
      const dir = modelDir({
        'encoder.onnx': encoder,
        'decoder.onnx': onnx,
        'joiner.onnx': onnx,
        'tokens.txt': TOKENS,
      });
      const config = {
        featConfig: { sampleRate: 16000, featureDim: 80 },
        modelConfig: {
          transducer: Object.fromEntries(['encoder', 'decoder', 'joiner'].map((p) => [p, path.join(dir, `${p}.onnx`)])),
          tokens: path.join(dir, 'tokens.txt'),
          numThreads: 1,
        },
      };
      const child = spawnSync(
        process.execPath,
        [
          '-e',
          `try { new (require(${JSON.stringify(sherpaPath)}).OnlineRecognizer)(${JSON.stringify(config)}); console.log('loaded') }
           catch (e) { console.log('js error') }`,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(
        child.stdout.trim(),
        '',
        `sherpa-onnx returned (${child.stdout.trim()}): the guards may be unneeded now`,
      );
      assert.ok(child.signal !== null || child.status !== 0, 'the bare addon should have ended the process');
    }
  });

  it('keeps a server process alive: loading a bad model in a child ends with an EngineError, exit 0', () => {
    const onnx = identityOnnx();
    const dir = modelDir({ 'encoder.onnx': onnx, 'decoder.onnx': onnx, 'joiner.onnx': onnx, 'tokens.txt': TOKENS });
    const engine = path.resolve(import.meta.dirname, '../src/captions/engines/sherpa.ts');
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { loadSherpaOnnx } = await import(${JSON.stringify(engine)});
         try { loadSherpaOnnx(${JSON.stringify(dir)}); console.log('loaded') }
         catch (e) { console.log(e.name) }`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(child.signal, null, child.stderr);
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), 'EngineError');
  });
});

describe('sherpa-onnx engine: model detection', () => {
  it('prefers int8 files and finds each kind', () => {
    const dir = modelDir({
      'encoder-epoch-99-avg-1-chunk-16-left-128.onnx': 'x',
      'encoder-epoch-99-avg-1-chunk-16-left-128.int8.onnx': 'x',
      'decoder-epoch-99-avg-1-chunk-16-left-128.onnx': 'x',
      'joiner-epoch-99-avg-1-chunk-16-left-128.int8.onnx': 'x',
      'joiner-epoch-99-avg-1-chunk-16-left-128.onnx': 'x',
      'tokens.txt': TOKENS,
    });
    const model = detectSherpaModel(dir);
    assert.equal(model.kind, 'transducer');
    assert.ok(model.kind === 'transducer');
    assert.equal(path.basename(model.encoder), 'encoder-epoch-99-avg-1-chunk-16-left-128.int8.onnx');
    assert.equal(path.basename(model.decoder), 'decoder-epoch-99-avg-1-chunk-16-left-128.onnx');
    assert.equal(path.basename(model.joiner), 'joiner-epoch-99-avg-1-chunk-16-left-128.int8.onnx');

    // Two variants in one archive: decoder and joiner follow the encoder's.
    const twoVariants = detectSherpaModel(
      modelDir(
        Object.fromEntries([
          ['tokens.txt', TOKENS],
          ...['encoder', 'decoder', 'joiner'].flatMap((part) =>
            ['left-64', 'left-128'].flatMap((v) => [
              [`${part}-epoch-99-avg-1-chunk-16-${v}.onnx`, 'x'],
              [`${part}-epoch-99-avg-1-chunk-16-${v}.int8.onnx`, 'x'],
            ]),
          ),
        ]),
      ),
    );
    assert.ok(twoVariants.kind === 'transducer');
    const variant = path.basename(twoVariants.encoder).replace(/^encoder/, '');
    assert.match(variant, /\.int8\.onnx$/);
    assert.equal(path.basename(twoVariants.decoder), `decoder${variant}`);
    assert.equal(path.basename(twoVariants.joiner), `joiner${variant}`);

    const whisper = detectSherpaModel(
      modelDir({
        'tiny.en-encoder.onnx': 'x',
        'tiny.en-encoder.int8.onnx': 'x',
        'tiny.en-decoder.int8.onnx': 'x',
        'tiny.en-tokens.txt': TOKENS,
        'silero_vad.onnx': 'x',
      }),
    );
    assert.equal(whisper.kind, 'whisper');
    assert.ok(whisper.kind === 'whisper');
    assert.equal(path.basename(whisper.encoder), 'tiny.en-encoder.int8.onnx');

    const moonshine = detectSherpaModel(
      modelDir({
        'preprocess.onnx': 'x',
        'encode.int8.onnx': 'x',
        'uncached_decode.int8.onnx': 'x',
        'cached_decode.int8.onnx': 'x',
        'tokens.txt': TOKENS,
        'silero_vad.onnx': 'x',
      }),
    );
    assert.equal(moonshine.kind, 'moonshine');
  });
});

// ---------------------------------------------------------------------------------------------
// Real recognition: needs a model directory (none can be downloaded on the build machines).

const MODEL = process.env.CAPTIONS_MODEL;
const NO_MODEL = !MODEL && 'set CAPTIONS_MODEL to a sherpa-onnx model directory';
const SENTENCE = 'the weather is nice today and we are going to the park';
const CHUNK = 320; // 20 ms at 16 kHz

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** Word error rate: word-level edit distance / reference length. */
function wer(reference: string[], hypothesis: string[]): number {
  let prev = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i++) {
    const row = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      const cost = reference[i - 1] === hypothesis[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return (prev[hypothesis.length] ?? 0) / reference.length;
}

/** `text` spoken by espeak-ng, as 16 kHz 16-bit mono PCM. */
function speech(text: string): Int16Array {
  const dir = mkdtempSync(path.join(root, 'tts-'));
  const wav = path.join(dir, 'speech.wav');
  const raw = path.join(dir, 'speech.raw');
  execFileSync('espeak-ng', ['-w', wav, text]);
  execFileSync('sox', [wav, '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed', raw]);
  const bytes = readFileSync(raw);
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

describe('sherpa-onnx engine: recognition', () => {
  it('recognizes espeak-ng speech with partials, then one final', { skip: NO_MODEL, timeout: 120_000 }, async () => {
    const engine = loadSherpaOnnx(MODEL ?? '');
    try {
      assert.equal(engine.name, 'sherpa-onnx');
      assert.equal(engine.sampleRate, 16000);
      const results: Recognition[] = [];
      const stream = engine.start({ onResult: (r) => results.push(r) });
      const lead = new Int16Array(8000); // 0.5 s of silence first
      const voice = speech(SENTENCE);
      const audio = new Int16Array(lead.length + voice.length + 16000); // then 1 s of silence
      audio.set(lead);
      audio.set(voice, lead.length);
      const began = performance.now();
      for (let i = 0; i < audio.length; i += CHUNK) {
        stream.write(audio.subarray(i, i + CHUNK));
        // Real time, as from a speaker (the VAD engines pace partials by the clock too).
        const ahead = (i + CHUNK) / 16 - (performance.now() - began);
        if (ahead > 50) await sleep(ahead);
      }
      stream.flush();
      stream.stop();
      const countAtStop = results.length;
      stream.write(voice.subarray(0, 16000));
      stream.flush();
      assert.equal(results.length, countAtStop, 'nothing is reported after stop()');

      const finals = results.filter((r) => r.final);
      const firstFinal = results.findIndex((r) => r.final);
      assert.ok(finals.length >= 1, `a final result (got ${JSON.stringify(results)})`);
      assert.ok(firstFinal > 0 && results.slice(0, firstFinal).some((r) => !r.final), 'a partial before the final');
      for (const r of results) {
        assert.ok(r.text.trim().length > 0, 'no empty texts');
        assert.ok(r.startMs >= 0 && r.startMs <= r.endMs, `ordered times ${JSON.stringify(r)}`);
        assert.ok(r.endMs <= audio.length / 16 + 1, `times within the audio ${JSON.stringify(r)}`);
      }
      for (let i = 1; i < finals.length; i++) {
        assert.ok((finals[i]?.startMs ?? 0) >= (finals[i - 1]?.startMs ?? 0), 'finals in order');
      }

      const heard = words(finals.map((r) => r.text).join(' '));
      const error = wer(words(SENTENCE), heard);
      assert.ok(error <= 0.2, `WER ${(error * 100).toFixed(0)}% > 20%: heard "${heard.join(' ')}"`);

      // The speech runs from 0.5 s to 0.5 s + its length; the finals should sit around it.
      const speechEndMs = (lead.length + voice.length) / 16;
      const start = finals[0]?.startMs ?? -1;
      const end = finals.at(-1)?.endMs ?? -1;
      assert.ok(start >= 100 && start <= 1500, `utterance starts near 0.5 s (${start} ms)`);
      assert.ok(
        end >= speechEndMs - 1000 && end <= speechEndMs + 1000,
        `utterance ends near ${speechEndMs} ms (${end} ms)`,
      );
    } finally {
      engine.close();
    }
  });

  it('reports nothing for silence', { skip: NO_MODEL, timeout: 60_000 }, () => {
    const engine = loadSherpaOnnx(MODEL ?? '');
    try {
      const results: Recognition[] = [];
      const stream = engine.start({ onResult: (r) => results.push(r) });
      const silence = new Int16Array(CHUNK);
      for (let i = 0; i < 100; i++) stream.write(silence); // 2 s
      stream.flush();
      stream.stop();
      assert.deepEqual(results, []);
    } finally {
      engine.close();
    }
  });
});
