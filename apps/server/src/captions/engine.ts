/**
 * The speech engine interface. An engine turns one speaker's audio (16-bit mono PCM at its
 * `sampleRate`) into text: partial results while an utterance goes on, then one final result when
 * it ends (the engine's own voice-activity detection / endpointing decides, or `flush()`).
 * Engines run inside the captions worker process (captions/worker.ts), never in the server's.
 */

/** Times are milliseconds from the stream's first sample (samples written / sampleRate). */
export interface Recognition {
  text: string;
  final: boolean;
  startMs: number;
  endMs: number;
}

export interface StreamOptions {
  /** Called for every partial and final result, in order. Empty texts are not reported. */
  onResult: (result: Recognition) => void;
  /** Words from the Space (title, topics) the engine should favour, if it can. */
  vocabulary?: string[];
}

export interface SpeechStream {
  /** 16-bit mono PCM at the engine's sample rate, in order; any length. */
  write(pcm: Int16Array): void;
  /** Ends the current utterance now (the speaker went quiet, muted or left): its final result follows. */
  flush(): void;
  /** flush(), then frees the stream; nothing is reported after. */
  stop(): void;
}

export interface SpeechEngine {
  /** "pocketsphinx", "sherpa-onnx", … — stored with each transcript segment. */
  readonly name: string;
  readonly sampleRate: number;
  start(options: StreamOptions): SpeechStream;
  close(): void;
}

/** A model or library that is missing or unusable, with a message that says how to fix it. */
export class EngineError extends Error {
  override name = 'EngineError';
}

export type EngineName = 'pocketsphinx' | 'sherpa-onnx';
