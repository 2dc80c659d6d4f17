/**
 * The captions worker: a child process that holds one speech engine and many streams, one per
 * captioned speaker connection. It receives Opus packets stamped with their time in the Space,
 * decodes them at the engine's sample rate, feeds the engine and sends results back. A crash or a
 * slow engine here never touches the media path in the server's process.
 */
import { createSocket } from 'node:dgram';
import { Decoder } from '@evan/opus';
import type { EngineName, Recognition, SpeechEngine, SpeechStream } from './engine';
import { loadEngine } from './engines';
import { decodeFeedMessage, type FeedMessage } from './feed-wire';
import { VoiceTrack } from './voicing';
import type { ToParent } from './worker-protocol';

/** A pause longer than this in the packets (mute, loss, DTX) ends the utterance. */
const GAP_MS = 400;
/** Packets this far ahead of their samples' place (a burst after a stall) move the anchor only. */
const AHEAD_MS = 1000;
/** An utterance is cut here if the speaker never pauses (captions must keep up, replay lines stay short). */
const MAX_UTTERANCE_MS = 12_000;
/** A stream that received nothing for this long is flushed (its final caption sent). */
const IDLE_MS = 600;

interface Anchor {
  sample: number;
  ms: number;
}

interface Stream {
  spaceId: string;
  userId: string;
  speech: SpeechStream;
  decoder: Decoder;
  samples: number;
  /** Where the stream's samples sit in the Space's time; a new one after every gap. */
  anchors: Anchor[];
  lastPacketAt: number;
  flushed: boolean;
  utterance: number;
  /** Sample where the utterance under way (or the next one) began: after the last final. */
  utteranceFrom: number;
  voice: VoiceTrack;
}

const send = (message: ToParent) => process.send?.(message);
const streams = new Map<string, Stream>();
let engine: SpeechEngine;

function open(id: string, vocabulary: string[], spaceId: string, userId: string) {
  if (streams.has(id)) return;
  const stream: Stream = {
    spaceId,
    userId,
    speech: engine.start({ vocabulary, onResult: (r) => result(id, r) }),
    decoder: new Decoder({ channels: 1, sample_rate: engine.sampleRate as 16000 }),
    samples: 0,
    anchors: [],
    lastPacketAt: Date.now(),
    flushed: true,
    utterance: 0,
    utteranceFrom: 0,
    voice: new VoiceTrack(engine.sampleRate),
  };
  streams.set(id, stream);
}

/** Maps a time in the stream's samples to the Space's time. */
function spaceMs(stream: Stream, streamMs: number) {
  const sample = (streamMs * engine.sampleRate) / 1000;
  let anchor = stream.anchors[0] ?? { sample: 0, ms: 0 };
  for (const a of stream.anchors) if (a.sample <= sample + 1) anchor = a;
  return Math.round(anchor.ms + ((sample - anchor.sample) * 1000) / engine.sampleRate);
}

function result(id: string, r: Recognition) {
  const stream = streams.get(id);
  if (!stream) return;
  // Engines find words in noise; only audio that sounds like a voice is captioned.
  if (stream.voice.speechLike(r.startMs, r.endMs))
    send({
      type: 'result',
      stream: id,
      spaceId: stream.spaceId,
      userId: stream.userId,
      utterance: stream.utterance,
      text: r.text,
      final: r.final,
      startMs: spaceMs(stream, r.startMs),
      endMs: spaceMs(stream, r.endMs),
    });
  if (r.final) {
    stream.utterance++;
    stream.utteranceFrom = stream.samples;
  }
}

function packet(id: string, payload: Uint8Array, at: number) {
  const stream = streams.get(id);
  if (!stream) return;
  const expected = stream.anchors.length
    ? spaceMs(stream, (stream.samples * 1000) / engine.sampleRate)
    : Number.NEGATIVE_INFINITY;
  if (at - expected > GAP_MS || expected - at > AHEAD_MS) {
    if (at > expected) flush(stream);
    stream.anchors.push({ sample: stream.samples, ms: at });
    if (stream.anchors.length > 64) stream.anchors.splice(0, stream.anchors.length - 64);
  }
  let pcm: Int16Array;
  try {
    const bytes = stream.decoder.decode(payload);
    pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } catch {
    return; // not Opus: nothing to hear
  }
  stream.samples += pcm.length;
  stream.voice.add(pcm, (stream.samples * 1000) / engine.sampleRate);
  stream.lastPacketAt = Date.now();
  stream.flushed = false;
  stream.speech.write(pcm);
  if (stream.samples - stream.utteranceFrom > (MAX_UTTERANCE_MS * engine.sampleRate) / 1000) {
    stream.utteranceFrom = stream.samples;
    stream.speech.flush();
  }
}

/** Ends the utterance under way, if audio came since the last flush. */
function flush(stream: Stream) {
  if (stream.flushed) return;
  stream.flushed = true;
  stream.speech.flush();
}

function close(id: string) {
  const stream = streams.get(id);
  if (!stream) return;
  stream.speech.stop(); // reports the last final first
  streams.delete(id);
  send({ type: 'closed', stream: id });
}

function handle(message: FeedMessage) {
  try {
    if (message.type === 'open') open(message.stream, message.vocabulary, message.spaceId, message.userId);
    else if (message.type === 'packet') packet(message.stream, message.payload, message.at);
    else if (message.type === 'close') close(message.stream);
  } catch (err) {
    send({ type: 'error', stream: 'stream' in message ? message.stream : undefined, message: String(err) });
    if ('stream' in message) streams.delete(message.stream);
  }
}

async function main() {
  const name = (process.env.CAPTIONS_ENGINE ?? 'pocketsphinx') as EngineName;
  try {
    engine = await loadEngine(name, process.env.CAPTIONS_MODEL || undefined);
  } catch (err) {
    send({ type: 'failed', message: (err as Error).message });
    process.exit(1);
  }
  const feed = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  feed.on('message', (datagram) => {
    const message = decodeFeedMessage(datagram);
    if (message) handle(message);
  });
  await new Promise<void>((resolve) => feed.bind(0, '127.0.0.1', () => resolve()));
  process.on('disconnect', () => process.exit(0));
  setInterval(() => {
    const now = Date.now();
    for (const stream of streams.values()) if (now - stream.lastPacketAt > IDLE_MS) flush(stream);
  }, 100);
  send({ type: 'ready', engine: engine.name, port: feed.address().port });
}

void main();
