import type { StageMember } from '@earshot/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api';
import { MediaSession, type SessionState } from './session';

/**
 * off: not listening (browsers only play sound after a tap, so we wait for one);
 * blocked: the browser refused to play anyway: another tap is needed.
 */
export type ListenState = 'off' | SessionState | 'blocked';

/** Per-speaker volume, 0…1, by user id. */
export type Volumes = Record<string, number>;

type Options = {
  spaceId: string;
  /** The Space is live and the viewer may be in it; turning false stops everything. */
  available: boolean;
  stageSize: number;
  stage: StageMember[];
  myId: string | null;
  volumes: Volumes;
  /** Listen to the room mix (one stream, no per-speaker volume) instead of a track per slot. */
  mix: boolean;
};

/**
 * Hears a Space over WHEP: one receive-only audio section per stage slot, each played by its own
 * <audio> element so that every speaker has a volume of their own, or (`mix`) one section that
 * carries the room mix. The elements are made (and play() called) inside the tap on "Listen",
 * which is what autoplay rules ask for. Changing `mix` while listening reconnects in the new way.
 */
export function useListener({ spaceId, available, stageSize, stage, myId, volumes, mix }: Options) {
  const [state, setState] = useState<ListenState>('off');
  const [error, setError] = useState<ApiError | null>(null);
  const players = useRef<HTMLAudioElement[]>([]);
  const session = useRef<MediaSession | null>(null);

  const play = useCallback((el: HTMLAudioElement) => {
    el.play().catch((e: unknown) => {
      // Autoplay refused (no tap counted): ask for one. An AbortError only means the source changed.
      if (e instanceof DOMException && e.name === 'NotAllowedError') setState('blocked');
    });
  }, []);

  const stop = useCallback(() => {
    session.current?.close();
    session.current = null;
    // A detached <audio> with a live srcObject keeps playing: pause and empty each one.
    for (const el of players.current) {
      el.pause();
      el.srcObject = null;
      el.remove();
    }
    players.current = [];
    setState('off');
    setError(null);
  }, []);

  const stateRef = useRef(state);
  stateRef.current = state;

  const start = useCallback(() => {
    if (!available) return;
    if (session.current && stateRef.current === 'blocked') {
      // Already connected, only blocked from playing: this tap unlocks the elements.
      for (const el of players.current) play(el);
      setState(session.current.pc?.connectionState === 'connected' ? 'connected' : 'connecting');
      return;
    }
    stop();
    players.current = Array.from({ length: mix ? 1 : stageSize }, (_, slot) => {
      const el = document.createElement('audio');
      el.dataset.slot = String(slot);
      el.autoplay = true;
      play(el); // within the tap: unlocks this element for the streams that follow
      return el;
    });
    session.current = new MediaSession({
      endpoint: `/api/spaces/${encodeURIComponent(spaceId)}/whep`,
      prepare: (pc) => {
        // Section i carries the stage member whose slot is i; their order is the slot order (or the mix).
        for (const el of players.current) {
          const { receiver } = pc.addTransceiver('audio', { direction: 'recvonly' });
          el.srcObject = new MediaStream([receiver.track]);
          play(el);
        }
      },
      onState: (next, err) => {
        setState(next);
        setError(err);
      },
    });
  }, [available, spaceId, stageSize, mix, play, stop]);

  // Switching between the mix and per-slot tracks while listening: reconnect the new way.
  const listening = useRef(mix);
  useEffect(() => {
    if (listening.current === mix) return;
    listening.current = mix;
    if (session.current && stateRef.current !== 'blocked') start();
  }, [mix, start]);

  // The Space ended, we were removed, or the page goes away: nothing may keep playing.
  useEffect(() => {
    if (!available) stop();
  }, [available, stop]);
  useEffect(() => stop, [stop]);

  // Each slot's volume follows whoever holds it; our own voice is never played back to us.
  useEffect(() => {
    if (mix) return;
    players.current.forEach((el, slot) => {
      const member = stage.find((m) => m.slot === slot);
      el.muted = !!member && member.user.id === myId;
      el.volume = member ? Math.min(1, Math.max(0, volumes[member.user.id] ?? 1)) : 1;
    });
  });

  return { state, error, start, stop, mix };
}
