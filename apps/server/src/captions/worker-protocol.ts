/**
 * Messages from the captions worker process (captions/worker.ts) to the server. Audio reaches the
 * worker from the media rooms' feed sinks on its loopback UDP port (captions/feed-wire.ts).
 */

export type ToParent =
  /** `port`: where the feed sinks send the streams. */
  | { type: 'ready'; engine: string; port: number }
  /** The engine could not be loaded; the worker exits. */
  | { type: 'failed'; message: string }
  /** `utterance` counts the stream's utterances: a partial and its final share it. Times in Space ms. */
  | {
      type: 'result';
      stream: string;
      spaceId: string;
      userId: string;
      utterance: number;
      text: string;
      final: boolean;
      startMs: number;
      endMs: number;
    }
  /** The stream is stopped: its last final (if any) was sent before this. */
  | { type: 'closed'; stream: string }
  | { type: 'error'; stream?: string; message: string };
