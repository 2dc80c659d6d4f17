import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Encoder } from '@evan/opus';
import { addPcmConsumer, RoomMix, registerMix } from '../src/media/mix';
import { FRAME, OpusDecoder } from '../src/media/mix/decoder';
import { JitterBuffer } from '../src/media/mix/jitter';
import { Limiter } from '../src/media/mix/limiter';
import { toneLevel, until } from './media-bots';

/** The mixer's parts on real Opus (libopus through @evan/opus): no network, no timing. */
const tone = (frequency: number, amplitude: number, frames: number) => {
  const pcm = new Int16Array(frames * FRAME);
  for (let i = 0; i < pcm.length; i++)
    pcm[i] = Math.round(Math.sin((2 * Math.PI * frequency * i) / 48_000) * amplitude * 32767);
  return pcm;
};
const encodeAll = (pcm: Int16Array) => {
  const encoder = new Encoder({ channels: 1, sample_rate: 48_000, application: 'audio' });
  encoder.inband_fec = true;
  encoder.packet_loss = 10;
  return Array.from({ length: pcm.length / FRAME }, (_, i) =>
    Buffer.from(encoder.encode(pcm.subarray(i * FRAME, (i + 1) * FRAME))),
  );
};
const rtp = (seq: number, payload: Buffer) => {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 111;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE((seq * FRAME) >>> 0, 4);
  return Buffer.concat([header, payload]);
};

describe('mix parts', () => {
  it('the jitter buffer puts reordered packets back in order and drops one that comes after its turn', () => {
    const jb = new JitterBuffer();
    const p = (n: number) => Buffer.from([n]);
    jb.push(65_535, p(1));
    assert.equal(jb.pull(), undefined, 'waits for its depth (2 packets) before playing');
    jb.push(1, p(3)); // arrives before 0 (wrapping sequence numbers)
    jb.push(0, p(2));
    const played = [jb.pull(), jb.pull(), jb.pull()].map((r) => (typeof r === 'object' ? r.payload[0] : r));
    assert.deepEqual(played, [1, 2, 3]);
    jb.push(0, p(9)); // late: 0 has been played
    assert.equal(jb.late, 1);
  });

  it('a lost packet is concealed, from the next packet’s FEC when it is there; silence after a few', () => {
    const jb = new JitterBuffer();
    for (const seq of [10, 11, 13]) jb.push(seq, Buffer.from([seq]));
    assert.equal((jb.pull() as { payload: Buffer }).payload[0], 10);
    assert.equal((jb.pull() as { payload: Buffer }).payload[0], 11);
    const fec = jb.pull() as { payload: Buffer; fec: boolean };
    assert.deepEqual([fec.payload[0], fec.fec], [13, true], '12 is rebuilt from 13');
    assert.equal((jb.pull() as { payload: Buffer; fec: boolean }).fec, false, 'then 13 itself');
    assert.deepEqual(
      [1, 2, 3, 4, 5].map(() => jb.pull()),
      ['lost', 'lost', 'lost', 'lost', 'lost'],
      'a short run is concealed',
    );
    assert.equal(jb.pull(), undefined, 'then the speaker counts as quiet');
    assert.ok(jb.depth > 2, 'running dry made it deeper');
  });

  it('a burst after a stall is held only briefly: the buffer skips down to its depth', () => {
    const jb = new JitterBuffer();
    for (let seq = 0; seq < 2; seq++) jb.push(seq, Buffer.from([seq]));
    jb.pull();
    for (let seq = 2; seq < 14; seq++) jb.push(seq, Buffer.from([seq])); // 240 ms arrive at once
    const played = Array.from({ length: 6 }, () => jb.pull());
    assert.ok(jb.held <= jb.depth + 1, `held ${jb.held} of depth ${jb.depth}`);
    assert.ok(jb.skipped > 0);
    const seqs = played.map((p) => (typeof p === 'object' ? (p.payload[0] as number) : -1));
    assert.ok((seqs.at(-1) ?? 0) >= 11, `played on from the newest: ${seqs}`);
  });

  it('FEC and PLC on real Opus bring back a lost frame of a tone', () => {
    const packets = encodeAll(tone(440, 0.3, 20));
    const decoder = new OpusDecoder();
    for (let i = 0; i < 10; i++) decoder.decode(packets[i] as Buffer);
    const fromFec = Int16Array.from(decoder.decode(packets[11] as Buffer, true) ?? []);
    assert.equal(fromFec.length, FRAME);
    assert.ok(toneLevel(fromFec, 440) > 3000, `the FEC copy of frame 10 carries the tone (${toneLevel(fromFec, 440)})`);
    const concealed = Int16Array.from(decoder.conceal() ?? []);
    assert.equal(concealed.length, FRAME);
    assert.ok(toneLevel(concealed, 440) > 1000, 'PLC continues the tone');
    decoder.close();
  });

  it('the limiter keeps four people laughing at full scale under the ceiling, and passes quiet audio as is', () => {
    const limiter = new Limiter();
    const sum = new Float32Array(FRAME);
    const out = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) sum[i] = 4 * 32767 * Math.sin((2 * Math.PI * 300 * i) / 48_000);
    limiter.apply(sum, out);
    const peak = out.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    assert.ok(peak <= 0.89 * 32767 + 1 && peak > 25_000, `peak ${peak}`);
    const quiet = new Limiter();
    for (let i = 0; i < FRAME; i++) sum[i] = 3000 * Math.sin((2 * Math.PI * 300 * i) / 48_000);
    quiet.apply(sum, out);
    assert.equal(quiet.limited, 0);
    assert.equal(out[100], Math.round(sum[100] as number));
  });

  it('a PCM consumer added before its room opens gets the mix once it runs, then onEnd when it closes', async () => {
    const frames: number[] = [];
    let ended = false;
    const off = addPcmConsumer('early-room', {
      onPcm: (frame, ptsMs) => frames.push(ptsMs, frame.length),
      onEnd: () => {
        ended = true;
      },
    });
    const sent: Buffer[] = [];
    const mix = new RoomMix(
      'early-room',
      (packet) => sent.push(Buffer.from(packet)),
      (err) => assert.fail(String(err)),
    );
    const unregister = registerMix(mix);
    assert.ok(mix.running, 'the waiting consumer started it');
    const packets = encodeAll(tone(440, 0.3, 10));
    for (const [i, p] of packets.entries()) mix.packet('speaker', rtp(i, p));
    await until(() => frames.length >= 16, 3000, 'eight frames of mix');
    assert.equal(frames[1], FRAME);
    assert.ok(
      (frames[2] ?? 0) > 0 && (frames[2] ?? 1) % 20 === 0,
      'ptsMs counts 20 ms frames (it jumps after a stall)',
    );
    assert.equal(sent.length, 0, 'no WebRTC listener: nothing encoded');
    mix.setListeners(1);
    await until(() => sent.length >= 3, 3000, 'encoded packets');
    assert.equal(sent[0]?.[0], 0x90, 'RTP with the level extension');
    mix.setListeners(0);
    off();
    assert.equal(mix.running, false, 'the last consumer out stops it');
    let stayEnded = false;
    addPcmConsumer('early-room', { onPcm: () => {}, onEnd: () => (stayEnded = true) });
    mix.close();
    unregister();
    assert.equal(ended, false, 'an unsubscribed consumer is not told the end');
    assert.equal(stayEnded, true, 'a consumer still there hears the end');
  });
});
