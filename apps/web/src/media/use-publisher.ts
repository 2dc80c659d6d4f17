import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api';
import { i18n } from '../i18n';
import { MediaSession, type SessionState } from './session';

/**
 * off: not on stage; asking: waiting for the microphone (the browser may be showing its prompt);
 * blocked / no-mic / mic-error: no microphone to send, each with its own way out.
 */
export type MicState = 'off' | 'asking' | 'blocked' | 'no-mic' | 'mic-error' | SessionState;

// Speech, not music: the browser's voice processing keeps a room without headphones free of echo.
const VOICE: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
};

function micProblem(error: unknown): { state: MicState; message: string } {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return {
      state: 'blocked',
      message: i18n.t('room.mic.blocked'),
    };
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return { state: 'no-mic', message: i18n.t('room.mic.none') };
  if (name === 'NotReadableError') return { state: 'mic-error', message: i18n.t('room.mic.busy') };
  return { state: 'mic-error', message: i18n.t('room.mic.failed') };
}

type Options = {
  spaceId: string;
  /** On stage in a live Space: publish while true, stop (mic off, session deleted) when it turns false. */
  active: boolean;
  /** The room's word (self or a host): the track is disabled while muted, whatever the server does. */
  muted: boolean;
};

/** Sends the viewer's microphone to the Space over WHIP while they are on its stage. */
export function usePublisher({ spaceId, active, muted }: Options) {
  const [state, setState] = useState<MicState>('off');
  const [problem, setProblem] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const track = useRef<MediaStreamTrack | null>(null);
  const mutedRef = useRef(muted);
  mutedRef.current = muted;

  useEffect(() => {
    if (track.current) track.current.enabled = !muted;
  }, [muted]);

  // `attempt` is in the deps because "Try again" restarts this.
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    let session: MediaSession | null = null;
    setState('asking');
    setProblem(null);
    setRefusal(null);

    const begin = async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setState('mic-error');
        setProblem(i18n.t('room.mic.insecure'));
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia(VOICE);
      } catch (error) {
        if (stopped) return;
        const { state: next, message } = micProblem(error);
        setState(next);
        setProblem(message);
        return;
      }
      const mic = stream.getAudioTracks()[0];
      if (stopped || !mic) {
        for (const t of stream.getTracks()) t.stop();
        if (!stopped) setState('no-mic');
        return;
      }
      mic.enabled = !mutedRef.current;
      track.current = mic;
      mic.onended = () => {
        // Unplugged, or revoked in the browser's settings.
        if (stopped) return;
        session?.close();
        setState('mic-error');
        setProblem(i18n.t('room.mic.stopped'));
      };
      const source = stream;
      session = new MediaSession({
        endpoint: `/api/spaces/${encodeURIComponent(spaceId)}/whip`,
        prepare: (pc) => void pc.addTransceiver(mic, { direction: 'sendonly', streams: [source] }),
        onState: (next, err) => {
          if (stopped) return;
          setState(next);
          setRefusal(err);
        },
      });
    };
    void begin();

    return () => {
      stopped = true;
      session?.close();
      // Stopping every track is what turns the browser's "mic in use" indicator off.
      for (const t of stream?.getTracks() ?? []) t.stop();
      track.current = null;
      setState('off');
    };
  }, [spaceId, active, attempt]);

  /** Silence at once on "Mute", before the room command's round trip. */
  const silence = useCallback(() => {
    if (track.current) track.current.enabled = false;
  }, []);
  /** The command failed: back to what the room says. */
  const restore = useCallback(() => {
    if (track.current) track.current.enabled = !mutedRef.current;
  }, []);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  return { state, problem, refusal, silence, restore, retry };
}
