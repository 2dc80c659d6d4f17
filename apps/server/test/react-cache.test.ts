import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialRoom } from '@earshot/protocol';
import { ReactCache } from '../src/spaces/react-cache';

const host = { id: 'h', handle: 'host', displayName: 'Host' };
const state = initialRoom({
  id: 's',
  title: 'T',
  topics: [],
  speakerPolicy: 'everyone',
  captions: false,
  scheduledFor: null,
  host,
  stageSize: 13,
});

describe('the reactions’ cache (spaces/react-cache.ts)', () => {
  it('reads once within its time, again after it; this node’s commits replace it unless older', async () => {
    let t = 0;
    const cache = new ReactCache(2000, () => t);
    let loads = 0;
    const load = async () => {
      loads += 1;
      return { state, seq: 5, hostId: 'h' };
    };
    assert.equal((await cache.room('s', load)).seq, 5);
    t = 1999;
    await cache.room('s', load);
    assert.equal(loads, 1);
    cache.committed('s', { state, seq: 7, hostId: 'h' });
    await new Promise((r) => setImmediate(r));
    assert.equal((await cache.room('s', load)).seq, 7);
    // A commit that finished later but is older does not win.
    cache.committed('s', { state, seq: 6, hostId: 'h' });
    await new Promise((r) => setImmediate(r));
    assert.equal((await cache.room('s', load)).seq, 7);
    t = 1999 + 2000;
    assert.equal((await cache.room('s', load)).seq, 5);
    assert.equal(loads, 2);
  });

  it('forgets the host’s blocks when told (a block), not on every commit, and keeps no failed read', async () => {
    const cache = new ReactCache(60_000, () => 0);
    let blocks = new Set<string>();
    const read = async () => new Set(blocks);
    assert.equal((await cache.blockedBy('h', read)).has('x'), false);
    blocks = new Set(['x']);
    assert.equal((await cache.blockedBy('h', read)).has('x'), false, 'cached');
    cache.committed('s', { state, seq: 1, hostId: 'h' });
    assert.equal((await cache.blockedBy('h', read)).has('x'), false, 'a speaking change leaves it');
    cache.forgetBlocks('h');
    assert.equal((await cache.blockedBy('h', read)).has('x'), true);
    await assert.rejects(cache.ticketed('s', async () => Promise.reject(new Error('db down'))));
    await new Promise((r) => setImmediate(r));
    assert.equal(await cache.ticketed('s', async () => true), true);
  });
});
