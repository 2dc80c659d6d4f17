/** Messages between the server and its captions worker process (captions/worker.ts). */

export type ToWorker =
  | { type: 'open'; stream: string; vocabulary: string[] }
  /** An Opus packet of the stream, `at` ms into the Space when the server forwarded it. */
  | { type: 'packet'; stream: string; payload: Uint8Array; at: number }
  | { type: 'close'; stream: string };

export type ToParent =
  | { type: 'ready'; engine: string }
  /** The engine could not be loaded; the worker exits. */
  | { type: 'failed'; message: string }
  /** `utterance` counts the stream's utterances: a partial and its final share it. Times in Space ms. */
  | {
      type: 'result';
      stream: string;
      utterance: number;
      text: string;
      final: boolean;
      startMs: number;
      endMs: number;
    }
  /** The stream is stopped: its last final (if any) was sent before this. */
  | { type: 'closed'; stream: string }
  | { type: 'error'; stream?: string; message: string };
