import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Client, startEarshot, watch } from './helpers';

const shared = process.env.DATABASE_URL && process.env.REDIS_URL;

/** Two nodes on one PostgreSQL and one Redis behave as one Earshot. */
describe('two nodes', { skip: shared ? false : 'needs DATABASE_URL and REDIS_URL (the CI runs it)' }, () => {
  it('a DM sent through node A reaches a socket held on node B, live', async () => {
    const a = await startEarshot();
    // Node B: same database and Redis prefix as node A.
    const b = await startEarshot({ DATABASE_URL: a.config.DATABASE_URL ?? '', REDIS_PREFIX: a.config.REDIS_PREFIX });
    try {
      const tag = randomBytes(2).toString('hex');
      const alice = new Client(a.url);
      const bob = new Client(b.url);
      await alice.signup(`alice_${tag}`);
      await bob.signup(`bob_${tag}`);
      const socket = await bob.socket();
      await socket.next((m) => m.type === 'hello');
      await alice.put(`/api/users/bob_${tag}/follow`);
      const follow = await socket.next((m) => m.type === 'notification');
      assert.equal(follow.notification.actor.handle, `alice_${tag}`);
      await alice.post(`/api/dms/bob_${tag}`, { text: 'across nodes' });
      const dm = await socket.next((m) => m.type === 'dm');
      assert.equal(dm.message.text, 'across nodes');
      socket.close();

      // A listener on node B sees a Space event made on node A, in sequence.
      const space = (await alice.post('/api/spaces', { title: 'Two nodes' })).body.space;
      await alice.post(`/api/spaces/${space.id}/start`, {});
      const listener = await watch(b.url, space.id, bob);
      assert.equal((await bob.post(`/api/spaces/${space.id}/request-speak`, {})).status, 200);
      await listener.until(() => listener.view.state?.raisedHands.some((u) => u.handle === `bob_${tag}`) ?? false);
      const onA = await watch(a.url, space.id);
      await onA.until(() => onA.view.listenerCount === 2);
      listener.close();
      onA.close();
    } finally {
      await b.earshot.close();
      await a.close();
    }
  });
});
