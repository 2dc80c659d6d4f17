import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, type Relation, type SocialAction } from '../src/social/rules';

/** The authorization matrix of the social layer: every action × every relation. */
describe('social rules', () => {
  const relations: Record<string, Relation> = {
    self: { self: true, viewerBlocks: false, blocksViewer: false },
    stranger: { self: false, viewerBlocks: false, blocksViewer: false },
    'viewer blocked them': { self: false, viewerBlocks: true, blocksViewer: false },
    'they blocked viewer': { self: false, viewerBlocks: false, blocksViewer: true },
    'blocked both ways': { self: false, viewerBlocks: true, blocksViewer: true },
  };
  const expected: Record<SocialAction, Record<string, number | 'ok'>> = {
    follow: {
      self: 400,
      stranger: 'ok',
      'viewer blocked them': 403,
      'they blocked viewer': 403,
      'blocked both ways': 403,
    },
    message: {
      self: 400,
      stranger: 'ok',
      'viewer blocked them': 403,
      'they blocked viewer': 403,
      'blocked both ways': 403,
    },
    // Blocking someone who blocked you is allowed: each side keeps its own list.
    block: {
      self: 400,
      stranger: 'ok',
      'viewer blocked them': 'ok',
      'they blocked viewer': 'ok',
      'blocked both ways': 'ok',
    },
  };
  for (const [action, row] of Object.entries(expected) as Array<[SocialAction, Record<string, number | 'ok'>]>) {
    for (const [name, relation] of Object.entries(relations)) {
      it(`${action} × ${name} → ${row[name]}`, () => {
        const decision = decide(action, relation);
        if (row[name] === 'ok') assert.deepEqual(decision, { ok: true });
        else {
          assert.equal(decision.ok, false);
          if (!decision.ok) {
            assert.equal(decision.status, row[name]);
            assert.ok(decision.message.length > 0);
          }
        }
      });
    }
  }
});
