import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRecording, type RecordingAction, type RecordingContext, retainUntil } from '../src/recording/rules';
import type { Role } from '../src/spaces/rules';

const now = new Date('2026-11-21T12:00:00Z');
const later = new Date('2026-12-21T12:00:00Z');
const ACTIONS: RecordingAction[] = ['info', 'play', 'download', 'publish', 'transcript'];
type Actor = { name: string; role: Role; moderator: boolean; spoke?: boolean };
const ACTORS: Actor[] = [
  { name: 'host', role: 'host', moderator: false },
  { name: 'co-host', role: 'cohost', moderator: false },
  { name: 'speaker', role: 'speaker', moderator: false },
  { name: 'listener', role: 'listener', moderator: false },
  { name: 'removed', role: 'removed', moderator: false },
  { name: 'blocked', role: 'blocked', moderator: false },
  { name: 'moderator', role: 'listener', moderator: true },
  { name: 'anonymous', role: 'anonymous', moderator: false },
  // People who spoke (a track of theirs was recorded): on stage to the end, or back in the audience.
  { name: 'speaker who spoke', role: 'speaker', moderator: false, spoke: true },
  { name: 'co-host who spoke', role: 'cohost', moderator: false, spoke: true },
  { name: 'listener who spoke', role: 'listener', moderator: false, spoke: true },
  { name: 'removed who spoke', role: 'removed', moderator: false, spoke: true },
  { name: 'blocked who spoke', role: 'blocked', moderator: false, spoke: true },
];

const ready = (isPublic: boolean) => ({ status: 'ready', public: isPublic, retainUntil: later });
const status = (action: RecordingAction, actor: Actor, recording: RecordingContext['recording'], at = now) => {
  const v = decideRecording(action, {
    role: actor.role,
    moderator: actor.moderator,
    spoke: actor.spoke ?? false,
    recording,
    now: at,
  });
  return v.ok ? 200 : v.status;
};

/** Expected status per actor, per action, for a ready recording (private, then public). */
const PRIVATE: Record<string, Record<RecordingAction, number>> = {
  host: { info: 200, play: 200, download: 200, publish: 200, transcript: 200 },
  'co-host': { info: 404, play: 404, download: 404, publish: 403, transcript: 404 },
  speaker: { info: 404, play: 404, download: 404, publish: 403, transcript: 404 },
  listener: { info: 404, play: 404, download: 404, publish: 403, transcript: 404 },
  removed: { info: 404, play: 404, download: 404, publish: 403, transcript: 404 },
  blocked: { info: 404, play: 404, download: 404, publish: 403, transcript: 404 },
  moderator: { info: 200, play: 200, download: 200, publish: 403, transcript: 200 },
  anonymous: { info: 401, play: 401, download: 401, publish: 401, transcript: 401 },
  'speaker who spoke': { info: 200, play: 404, download: 404, publish: 403, transcript: 200 },
  'co-host who spoke': { info: 200, play: 404, download: 404, publish: 403, transcript: 200 },
  'listener who spoke': { info: 200, play: 404, download: 404, publish: 403, transcript: 200 },
  'removed who spoke': { info: 404, play: 404, download: 404, publish: 403, transcript: 404 },
  'blocked who spoke': { info: 404, play: 404, download: 404, publish: 403, transcript: 404 },
};
const PUBLIC: Record<string, Record<RecordingAction, number>> = {
  host: { info: 200, play: 200, download: 200, publish: 200, transcript: 200 },
  'co-host': { info: 200, play: 200, download: 403, publish: 403, transcript: 200 },
  speaker: { info: 200, play: 200, download: 403, publish: 403, transcript: 200 },
  listener: { info: 200, play: 200, download: 403, publish: 403, transcript: 200 },
  removed: { info: 200, play: 200, download: 403, publish: 403, transcript: 200 },
  blocked: { info: 403, play: 403, download: 403, publish: 403, transcript: 403 },
  moderator: { info: 200, play: 200, download: 200, publish: 403, transcript: 200 },
  anonymous: { info: 200, play: 200, download: 401, publish: 401, transcript: 200 },
  'speaker who spoke': { info: 200, play: 200, download: 403, publish: 403, transcript: 200 },
  'co-host who spoke': { info: 200, play: 200, download: 403, publish: 403, transcript: 200 },
  'listener who spoke': { info: 200, play: 200, download: 403, publish: 403, transcript: 200 },
  'removed who spoke': { info: 200, play: 200, download: 403, publish: 403, transcript: 200 },
  'blocked who spoke': { info: 403, play: 403, download: 403, publish: 403, transcript: 403 },
};

describe('recording rules: every action × every role', () => {
  for (const [name, table, isPublic] of [
    ['private', PRIVATE, false],
    ['public', PUBLIC, true],
  ] as const)
    it(`a ${name} ready recording`, () => {
      for (const actor of ACTORS)
        for (const action of ACTIONS)
          assert.equal(status(action, actor, ready(isPublic)), table[actor.name]?.[action], `${actor.name} ${action}`);
    });

  it('no recording, or an expired one: 404 for everyone (as if never made)', () => {
    for (const actor of ACTORS)
      for (const action of ACTIONS) {
        assert.equal(status(action, actor, null), 404, `${actor.name} ${action} (none)`);
        assert.equal(status(action, actor, ready(true), later), 404, `${actor.name} ${action} (expired at its date)`);
      }
  });

  it('while recording or processing, the host sees its status; playing or downloading it is 409', () => {
    const host = ACTORS[0] as Actor;
    for (const s of ['recording', 'processing', 'failed']) {
      const recording = { status: s, public: false, retainUntil: null };
      assert.equal(status('info', host, recording), 200);
      assert.equal(status('download', host, recording), 409);
      assert.equal(status('play', host, recording), 409);
      // The transcript grows while the Space is live: its host may read it then.
      assert.equal(status('transcript', host, recording), 200);
      // Public but not ready: others see nothing yet.
      assert.equal(status('info', ACTORS[3] as Actor, { ...recording, public: true }), 403);
      // Whoever spoke reads the transcript as it grows, as the host does.
      const spoke = ACTORS.find((a) => a.name === 'speaker who spoke') as Actor;
      assert.equal(status('transcript', spoke, recording), 200);
      assert.equal(status('download', spoke, recording), 404);
    }
  });

  it('retention: 30 days after the end, 90 while a violation stands', () => {
    const end = new Date('2026-01-31T10:00:00Z');
    assert.equal(retainUntil(end, false).toISOString(), '2026-03-02T10:00:00.000Z');
    assert.equal(retainUntil(end, true).toISOString(), '2026-05-01T10:00:00.000Z');
  });
});
