import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HlsPackager, PART_SECONDS } from '../src/media/hls/packager';
import { LiveStream, PARTS_PER_SEGMENT, WINDOW_SEGMENTS } from '../src/media/hls/stream';
import { decode, toneBetween } from './recordings';

const FRAME_SAMPLES = 960;

/** A synthetic room mix: `frames` × 20 ms of a tone, as the mix hands them over (one per 20 ms tick, here at once). */
function tone(frequency: number, frames: number) {
  const out: Int16Array[] = [];
  for (let n = 0; n < frames; n++) {
    const frame = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++)
      frame[i] = Math.round(12000 * Math.sin((2 * Math.PI * frequency * (n * FRAME_SAMPLES + i)) / 48000));
    out.push(frame);
  }
  return out;
}

async function packageTone(frequency: number, frames: number) {
  let init: Uint8Array | null = null;
  const parts: Array<{ data: Uint8Array; start: number; duration: number }> = [];
  const errors: Error[] = [];
  const packager = new HlsPackager({
    onInit: (data) => {
      init = data;
    },
    onPart: (data, start, duration) => parts.push({ data, start, duration }),
    onError: (err) => errors.push(err),
  });
  for (const frame of tone(frequency, frames)) packager.write(frame);
  await packager.close();
  assert.deepEqual(errors, []);
  assert.ok(init, 'an init segment');
  return { init: init as Uint8Array, parts };
}

const probe = (file: string) => {
  const res = spawnSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_name,profile,sample_rate:format=format_name', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  assert.equal(res.status, 0, res.stderr);
  return JSON.parse(res.stdout) as { streams: Array<Record<string, string>>; format: { format_name: string } };
};

describe('LL-HLS packager (PCM → AAC-LC in fragmented MP4)', () => {
  it('makes ~200 ms parts of AAC that ffprobe reads as fMP4 and ffmpeg decodes back to the tone', async () => {
    const { init, parts } = await packageTone(440, 150); // 3 s
    assert.ok(parts.length >= 14, `parts: ${parts.length}`);
    for (const p of parts.slice(0, -1)) assert.ok(Math.abs(p.duration - PART_SECONDS) < 0.001, `part ${p.duration}`);
    const total = parts.reduce((s, p) => s + p.duration, 0);
    assert.ok(Math.abs(total - 3) < 0.05, `total ${total} s`);
    // Each part is one moof + mdat.
    for (const p of parts) assert.equal(Buffer.from(p.data.subarray(4, 8)).toString(), 'moof');

    const dir = mkdtempSync(path.join(tmpdir(), 'earshot-hls-'));
    const file = path.join(dir, 'stream.mp4');
    writeFileSync(file, Buffer.concat([init, ...parts.map((p) => p.data)]));
    const info = probe(file);
    assert.match(info.format.format_name, /mp4/);
    assert.deepEqual(
      [info.streams[0]?.codec_name, info.streams[0]?.profile, info.streams[0]?.sample_rate],
      ['aac', 'LC', '48000'],
    );
    // One part alone (with the init segment) plays: what a player joining at a part does.
    const one = path.join(dir, 'one.mp4');
    writeFileSync(one, Buffer.concat([init, (parts[5] as { data: Uint8Array }).data]));
    assert.equal(probe(one).streams[0]?.codec_name, 'aac');

    const pcm = decode(file);
    const at440 = toneBetween(pcm, 440, 500, 2500);
    const at1000 = toneBetween(pcm, 1000, 500, 2500);
    assert.ok(at440 > 5000, `440 Hz amplitude ${at440}`);
    assert.ok(at1000 < at440 / 20, `1000 Hz amplitude ${at1000}`);
  });
});

describe('LL-HLS live stream (playlist, window, blocking reload)', () => {
  const part = (s: LiveStream, n = 1) => {
    for (let i = 0; i < n; i++) s.addPart(new Uint8Array([i]), PART_SECONDS, Date.UTC(2026, 11, 1, 0, 0, 0));
  };

  it('writes an LL-HLS playlist: version, targets, parts, preload hint, map, program date, no delta', () => {
    const s = new LiveStream('abc');
    s.setInit(new Uint8Array([1]));
    part(s, PARTS_PER_SEGMENT + 2);
    const text = s.playlist('');
    for (const line of [
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      '#EXT-X-TARGETDURATION:1',
      `#EXT-X-PART-INF:PART-TARGET=${PART_SECONDS.toFixed(5)}`,
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${(3 * PART_SECONDS).toFixed(3)}`,
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-MAP:URI="abc/init.mp4"',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-01T00:00:00.000Z',
      `#EXT-X-PART:DURATION=${PART_SECONDS.toFixed(5)},URI="abc/part-0.0.m4s",INDEPENDENT=YES`,
      'abc/segment-0.m4s',
      `#EXT-X-PART:DURATION=${PART_SECONDS.toFixed(5)},URI="abc/part-1.1.m4s",INDEPENDENT=YES`,
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="abc/part-1.2.m4s"',
    ])
      assert.ok(text.split('\n').includes(line), `${line} in\n${text}`);
    assert.ok(!text.includes('segment-1.m4s'), 'the segment under way is only parts');
    assert.ok(!text.includes('SKIP'), 'no delta updates');
    assert.ok(
      s
        .playlist('https://cdn.example/api/spaces/s1/hls/')
        .includes('URI="https://cdn.example/api/spaces/s1/hls/abc/init.mp4"'),
    );
  });

  it('slides a window of seven segments and drops what leaves it', () => {
    const s = new LiveStream('w');
    part(s, PARTS_PER_SEGMENT * 12);
    const text = s.playlist('');
    const segments = text.split('\n').filter((l) => l.endsWith('.m4s') && l.includes('segment-'));
    assert.equal(segments.length, WINDOW_SEGMENTS);
    assert.ok(text.includes(`#EXT-X-MEDIA-SEQUENCE:${12 - WINDOW_SEGMENTS}`));
    assert.equal(s.segment(0), undefined, 'the oldest is gone');
    assert.ok(s.segment(11));
    assert.equal(s.part(11, 4)?.data[0], PARTS_PER_SEGMENT * 12 - 1, 'the newest part');
  });

  it('blocks a reload until the part exists, refuses far-future ones, and ends with EXT-X-ENDLIST', async () => {
    const s = new LiveStream('b');
    part(s, 3); // next: msn 0, part 3
    assert.deepEqual(s.next(), [0, 3]);
    assert.equal(s.has(0, 2), true);
    assert.equal(s.has(0, 3), false);
    assert.equal(s.has(0), false, 'segment 0 is not whole yet');
    assert.deepEqual(s.check(0, 5), { ok: true }, 'two parts ahead is fine');
    assert.deepEqual(s.check(0, 6), { ok: false, reason: 'too-far' });
    assert.deepEqual(s.check(3), { ok: false, reason: 'too-far' });
    assert.deepEqual(s.check(2), { ok: true });
    assert.equal(s.has(1, -1 + PARTS_PER_SEGMENT), false);

    const waiting = s.waitFor(() => s.has(0, 4), 2000);
    let answered = false;
    void waiting.then(() => {
      answered = true;
    });
    part(s, 1); // part 3: not yet the one asked for
    await new Promise((r) => setImmediate(r));
    assert.equal(answered, false);
    part(s, 1); // part 4
    assert.equal(await waiting, true);
    // A part number past the segment's last names the next segment's parts.
    assert.equal(s.has(0, PARTS_PER_SEGMENT), false);
    part(s, 1);
    assert.equal(s.has(0, PARTS_PER_SEGMENT), true);

    assert.equal(await s.waitFor(() => s.has(1, 3), 50), false, 'times out');
    const pending = s.waitFor(() => s.has(1, 3), 2000);
    s.end();
    assert.equal(await pending, true, 'the end releases waiting reloads');
    const text = s.playlist('');
    assert.ok(text.trimEnd().endsWith('#EXT-X-ENDLIST'));
    assert.ok(!text.includes('PRELOAD-HINT'));
    assert.ok(text.includes('b/segment-1.m4s'), 'the last short segment is listed whole');
  });
});
