import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { type Running, signUp, startEarshot } from './helpers';

/** Opens a socket, sends `message` the moment it opens, resolves with the first reply of `type`. */
function firstReply(url: string, cookie: string, message: object, type: string, ms = 3000) {
  const ws = new WebSocket(url, { headers: { cookie } });
  return new Promise<any>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no ${type} within ${ms} ms: the message sent on open was lost`));
    }, ms);
    ws.on('open', () => ws.send(JSON.stringify(message)));
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw));
      if (m.type !== type) return;
      clearTimeout(timer);
      ws.close();
      resolve(m);
    });
    ws.on('error', reject);
  });
}

describe('a Space live socket', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot();
  });
  after(() => server.close());

  it('answers a message sent the moment the socket opens (the handler is attached before the first await)', async () => {
    const { c } = await signUp(server.url, 'early');
    const created = await c.post('/api/spaces', { title: 'Early', topics: [], speakerPolicy: 'everyone' });
    const id = created.body.space.id as string;
    assert.equal((await c.post(`/api/spaces/${id}/start`, {})).status, 200);
    const url = `${server.url.replace('http', 'ws')}/api/spaces/${id}/live`;
    // Before the fix the signed-in path read the viewer from the database first: most of these were lost.
    for (let i = 0; i < 10; i++) {
      assert.equal((await firstReply(url, c.cookie, { type: 'ping' }, 'pong')).type, 'pong');
      const ack = await firstReply(
        url,
        c.cookie,
        { type: 'command', id: `r${i}`, name: 'react', args: { emoji: '👏' } },
        'ack',
      );
      assert.equal(ack.id, `r${i}`);
    }
  });
});
