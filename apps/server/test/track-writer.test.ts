import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { OPUS_SILENCE } from '../src/media/rtp';
import { TrackWriter } from '../src/recording/track-writer';
import { duration } from './recordings';

const dir = mkdtempSync(path.join(tmpdir(), 'earshot-track-'));
const rtp = (ts: number, payload: Uint8Array = OPUS_SILENCE) => {
  const packet = Buffer.alloc(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = 111;
  packet.writeUInt32BE(ts >>> 0, 4);
  packet.set(payload, 12);
  return packet;
};

/** The live writer's timing rules, read back with ffprobe. */
describe('TrackWriter: a speaker connection to an Ogg file', () => {
  it('keeps a mute as silence: 1 s, 5 s without packets, 1 s → 7 s', async () => {
    const file = path.join(dir, 'mute.ogg');
    const w = new TrackWriter(file);
    for (let i = 0; i < 50; i++) w.write(rtp(1000 + i * 960), i * 20);
    for (let i = 300; i < 350; i++) w.write(rtp(1000 + i * 960), i * 20);
    await w.close();
    assert.ok(Math.abs(duration(file) - 7) < 0.05, `${duration(file)} s`);
  });

  it('does not believe an RTP clock that jumps ahead of the wall clock, nor duplicates, late or non-Opus packets', async () => {
    const file = path.join(dir, 'jump.ogg');
    const w = new TrackWriter(file);
    for (let i = 0; i < 50; i++) w.write(rtp(i * 960), i * 20);
    // A sender that restarts its numbering far away, 20 ms later: placed by the wall clock.
    for (let i = 0; i < 50; i++) w.write(rtp(2 ** 31 + i * 960), 1000 + i * 20);
    w.write(rtp(2 ** 31 + 10 * 960), 2000); // a duplicate
    w.write(rtp(2 ** 31 - 5 * 960), 2000); // late
    w.write(rtp(2 ** 31 + 50 * 960, Uint8Array.from([0xff, 0xff])), 2000); // 63 × 120 ms claimed: not Opus
    await w.close();
    assert.ok(Math.abs(duration(file) - 2) < 0.05, `${duration(file)} s, not hours`);
  });
});
