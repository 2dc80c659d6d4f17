import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtpRewriter } from '../src/media/rtp';

/** An RTP packet of `source` with a sequence number and timestamp (no extension, 3-byte payload). */
const packet = (seq: number, ts: number) => {
  const p = Buffer.alloc(15);
  p[0] = 0x80;
  p[1] = 111;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE(ts >>> 0, 4);
  p.writeUInt32BE(0xabcd, 8);
  return p;
};
const read = (out: Buffer) => ({ seq: out.readUInt16BE(2), ts: out.readUInt32BE(4), ssrc: out.readUInt32BE(8) });

describe('RTP rewriting for one listener', () => {
  for (const start of [0x0010, 0x7ff0, 0x8000, 0xc000, 0xfff0]) {
    it(`a steady stream from sequence ${start.toString(16)} keeps its own spacing (no drift from arrival jitter)`, () => {
      const rw = new RtpRewriter(42, 111);
      const outs = [];
      // 100 packets 20 ms apart on the sender's clock, arriving with up to 15 ms of jitter.
      for (let i = 0; i < 100; i++)
        outs.push(read(rw.rewrite(packet(start + i, 5000 + i * 960), 7, i * 20 + (i % 3) * 5)));
      for (let i = 1; i < outs.length; i++) {
        assert.equal((outs[i]!.seq - outs[i - 1]!.seq) & 0xffff, 1, `sequence at ${i}`);
        assert.equal((outs[i]!.ts - outs[i - 1]!.ts) >>> 0, 960, `timestamp step at ${i}`);
        assert.equal(outs[i]!.ssrc, 42);
      }
    });
  }

  it('a new source continues the numbering, with the pause in the timestamp; a reordered packet is not a jump', () => {
    const rw = new RtpRewriter(42, 111);
    const a = read(rw.rewrite(packet(0x9000, 100), 1, 0));
    const b = read(rw.rewrite(packet(0x9001, 1060), 1, 20));
    // The speaker changes after a 500 ms pause: seq goes on by one, the timestamp by 500 ms.
    const c = read(rw.rewrite(packet(0x0100, 777_777), 2, 520));
    assert.equal((b.seq - a.seq) & 0xffff, 1);
    assert.equal((c.seq - b.seq) & 0xffff, 1);
    assert.equal((c.ts - b.ts) >>> 0, 500 * 48);
    const d = read(rw.rewrite(packet(0x0102, 777_777 + 1920), 2, 560));
    const late = read(rw.rewrite(packet(0x0101, 777_777 + 960), 2, 561));
    assert.equal((d.seq - c.seq) & 0xffff, 2);
    assert.equal((late.seq - c.seq) & 0xffff, 1, 'the late packet keeps its place');
    assert.equal((late.ts - c.ts) >>> 0, 960);
  });
});
