import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loopBehind } from '../src/media/loop-lag';
import { LATE_MS } from '../src/media/publisher';
import { Lateness, RtpRewriter } from '../src/media/rtp';

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

describe("how late a packet is against its speaker's pace", () => {
  /** Feeds packets `i` of 20 ms (960 ticks) from `seq0`/`ts0`, each arriving at `arrival(i)`; returns each lateness. */
  const run = (count: number, arrival: (i: number) => number, seq0 = 100, ts0 = 1_000_000, meter = new Lateness()) =>
    Array.from({ length: count }, (_, i) => meter.of(packet(seq0 + i, ts0 + i * 960), arrival(i)));

  it('on time with up to 200 ms of network jitter: never late', () => {
    const late = run(3000, (i) => 5000 + i * 20 + ((i * 7919) % 200));
    assert.ok(Math.max(...late) < 201, `at most the jitter: ${Math.max(...late)}`);
  });

  it('a queue that held 4 s of packets: those over LATE_MS behind are late, the rest are not', () => {
    // 100 packets on time, then 200 that waited and arrive together 4 s after the first of them was due.
    assert.equal(LATE_MS, 2000);
    const arrival = (i: number) => (i < 100 ? i * 20 : 100 * 20 + 4000);
    const late = run(300, arrival).map((ms) => ms > LATE_MS);
    assert.equal(late.slice(0, 100).filter(Boolean).length, 0);
    // Packet 100 + k is 4000 - 20k ms late: late while that is over 2000 ms, so for k < 100.
    assert.equal(late.slice(100).filter(Boolean).length, 100);
    assert.deepEqual(late.slice(200), Array(100).fill(false));
  });

  it('a sender clock 300 ppm slow over three hours is followed, not taken for a queue', () => {
    const count = 3 * 3600 * 50;
    const most = run(count, (i) => i * 20 * 1.0003).reduce((a, b) => Math.max(a, b), 0);
    assert.ok(most < 5, `${most} ms`);
  });

  it('across the 32-bit timestamp wrap, through silence gaps (DTX), and a clock that restarts', () => {
    const meter = new Lateness();
    // On time across the wrap.
    const wrap = run(200, (i) => i * 20, 65_500, 2 ** 32 - 100 * 960, meter);
    assert.ok(Math.max(...wrap) < 1, `wrap: ${Math.max(...wrap)}`);
    // DTX: one packet every 400 ms, the timestamp keeping pace.
    const dtx = Array.from({ length: 50 }, (_, i) =>
      meter.of(packet(65_700 + i, (2 ** 32 + 100 * 960 + i * 19_200) >>> 0), 200 * 20 + i * 400),
    );
    assert.ok(Math.max(...dtx) < 1, `DTX: ${Math.max(...dtx)}`);
    // The sender's timestamps jump back (about 21 s) while its sequence goes on: a new clock, on time.
    const restarted = run(100, (i) => 200 * 20 + 50 * 400 + i * 20, 65_750, 12_345, meter);
    assert.ok(Math.max(...restarted) < 1, `restart: ${Math.max(...restarted)}`);
  });

  it('a reordered or repeated packet is as late as it is, and does not move the measure', () => {
    const meter = new Lateness();
    run(50, (i) => i * 20, 0, 0, meter);
    // Packet 10 again, arriving with packet 49: 780 ms after it was due.
    assert.ok(Math.abs(meter.of(packet(10, 10 * 960), 49 * 20) - 780) < 1);
    assert.ok(Math.abs(meter.of(packet(49, 49 * 960), 49 * 20 + 5) - 5) < 1, 'a repeat');
    // Then packet 50 a second and a half late: measured from the stream's floor, not from packet 10.
    assert.ok(Math.abs(meter.of(packet(50, 50 * 960), 50 * 20 + 1500) - 1500) < 1);
  });

  it('a sender whose capture paused (its timestamps go on from where they stopped): rebase takes its pace from there', () => {
    const meter = new Lateness();
    run(100, (i) => i * 20, 0, 0, meter);
    // Three seconds without packets; then the next timestamps, as if no time had passed.
    const resumed = run(50, (i) => 100 * 20 + 3000 + i * 20, 100, 100 * 960, meter);
    assert.ok(Math.abs((resumed[0] as number) - 3000) < 3, `${resumed[0]}`); // less what drift allows
    meter.rebase();
    const after = run(50, (i) => 150 * 20 + 3000 + i * 20, 150, 150 * 960, meter);
    assert.ok(Math.max(...after) < 1, `${Math.max(...after)}`);
  });

  it("the process's loop tells a queue here (the loop behind) from a sender's lag (the loop on time)", async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // The tests before this one kept the loop busy: a few seconds idle, and it is on time.
    for (let i = 0; i < 50 && loopBehind(); i++) await sleep(100);
    assert.equal(loopBehind(), false, 'an idle loop is on time');
    // A hiccup (a GC pause, a busy moment) builds no backlog: not behind.
    let busyUntil = performance.now() + 300;
    while (performance.now() < busyUntil);
    await sleep(100);
    assert.equal(loopBehind(), false, 'a 300 ms hiccup');
    // A turn of over a second, as while a starved worker drains a backlog: behind, then for a while.
    busyUntil = performance.now() + 1200;
    while (performance.now() < busyUntil);
    assert.equal(loopBehind(), true, 'stuck');
    await sleep(200);
    assert.equal(loopBehind(), true, 'still draining what queued meanwhile');
    const startedAt = performance.now();
    for (let i = 0; i < 80 && loopBehind(); i++) await sleep(100);
    assert.equal(loopBehind(), false, 'on time again');
    assert.ok(performance.now() - startedAt > 2000, 'not before the queue it built is out');
  });
});
