import type Hls from 'hls.js';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStoredFlag } from '../use-stored-flag';
import type { ListenState } from './use-listener';

/** WebRTC that has not connected by then (UDP blocked) gives way to the delayed stream. */
export const FALLBACK_MS = 4000;

/** What the audio bar shows: the WebRTC states, or `delayed` while the HLS stream plays. */
export type TierState = ListenState | 'delayed';

type Listen = { state: ListenState; error: Error | null; start: () => void; stop: () => void };

/**
 * The big-audience tier for one listener: when WebRTC cannot connect within a few seconds, the
 * Space's LL-HLS stream plays instead (hls.js; Safari plays HLS itself) while WebRTC keeps trying
 * in the background, and live audio takes over once it connects. A listener may also choose the
 * delayed stream by hand (remembered for the tab). `listen` is what the audio bar drives.
 */
export function useHlsTier({ spaceId, available, listen }: { spaceId: string; available: boolean; listen: Listen }) {
  const [chosen, setChosen] = useStoredFlag('earshot:delayed-stream', false, 'session');
  const [wanted, setWanted] = useState(false);
  const [late, setLate] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [blocked, setBlocked] = useState(false);
  const [delay, setDelay] = useState<number | null>(null);
  const el = useRef<HTMLAudioElement | null>(null);
  const hls = useRef<Hls | null>(null);

  const webrtc = listen.state;
  const trying = webrtc === 'connecting' || webrtc === 'reconnecting';
  // A refusal for who you are (removed, blocked, no ticket) holds for HLS too: only other refusals fall back.
  const status = (listen.error as { status?: number } | null)?.status ?? 0;
  const refusedOffer = webrtc === 'refused' && ![401, 403, 404, 409, 410].includes(status);

  // WebRTC stuck connecting for a few seconds: fall back (the session keeps retrying meanwhile);
  // once it connects, live audio takes over.
  useEffect(() => {
    if (!trying) return setLate(false);
    const timer = setTimeout(() => setLate(true), FALLBACK_MS);
    return () => clearTimeout(timer);
  }, [trying]);

  const hlsOn = available && wanted && (chosen || late || refusedOffer);

  /** The element is made and played inside a tap, which lets it play later without one (autoplay rules). */
  const element = useCallback(() => {
    if (!el.current) {
      el.current = document.createElement('audio');
      el.current.dataset.tier = 'delayed';
    }
    return el.current;
  }, []);

  /** Inside a tap: play and pause at once, which lets the element play later without one. */
  const unlock = useCallback(() => {
    const audio = element();
    audio.play().catch(() => {});
    audio.pause();
  }, [element]);

  const play = useCallback(() => {
    element()
      .play()
      .then(() => setBlocked(false))
      .catch((e: unknown) => {
        if (e instanceof DOMException && e.name === 'NotAllowedError') setBlocked(true);
      });
  }, [element]);

  useEffect(() => {
    if (!hlsOn) return;
    const audio = element();
    const url = `/api/spaces/${encodeURIComponent(spaceId)}/hls/live.m3u8`;
    let cancelled = false;
    const onPlaying = () => setPlaying(true);
    audio.addEventListener('playing', onPlaying);
    // hls.js (its light build: no subtitles, DRM or alternate audio) where Media Source works, as it
    // follows LL-HLS parts; native HLS otherwise (iPhone Safari).
    void import('hls.js/light').then(({ default: HlsJs }) => {
      if (cancelled) return;
      if (!HlsJs.isSupported()) {
        audio.src = url;
        return play();
      }
      const h = new HlsJs({ lowLatencyMode: true, backBufferLength: 10 });
      hls.current = h;
      h.on(HlsJs.Events.ERROR, (_e, data) => {
        if (!data.fatal) return;
        // The stream may be starting (503) or a part late: start over from the live edge.
        if (data.type === HlsJs.ErrorTypes.MEDIA_ERROR) h.recoverMediaError();
        else setTimeout(() => !cancelled && h.loadSource(url), 2000);
      });
      h.loadSource(url);
      h.attachMedia(audio);
      play();
    });
    // The delay: how far behind the wall clock the playing moment is (the playlist's program date).
    const clock = setInterval(() => {
      const at = hls.current?.playingDate?.getTime() ?? nativeDate(audio);
      if (at) setDelay(Math.max(1, Math.round((Date.now() - at) / 1000)));
    }, 1000);
    return () => {
      cancelled = true;
      clearInterval(clock);
      audio.removeEventListener('playing', onPlaying);
      hls.current?.destroy();
      hls.current = null;
      audio.pause();
      audio.removeAttribute('src');
      audio.load();
      setPlaying(false);
      setDelay(null);
    };
  }, [hlsOn, spaceId, element, play]);

  const start = useCallback(() => {
    setWanted(true);
    if (blocked) return play();
    unlock();
    if (!chosen) listen.start();
  }, [blocked, chosen, listen, play, unlock]);

  const stop = useCallback(() => {
    setWanted(false);
    listen.stop();
  }, [listen]);

  /** The listener's own pick: the delayed stream (WebRTC off) or live audio again. */
  const choose = useCallback(
    (delayed: boolean) => {
      setChosen(delayed);
      setWanted(true);
      if (delayed) {
        listen.stop();
        unlock();
      } else listen.start();
    },
    [listen, unlock, setChosen],
  );

  const on = hlsOn && (playing || blocked);
  const state: TierState = !hlsOn ? webrtc : blocked ? 'blocked' : 'delayed';
  return {
    listen: { state, error: hlsOn ? null : listen.error, start, stop },
    /** The delayed stream plays (or is starting). */
    active: hlsOn,
    playing: on,
    /** Seconds behind live, once known. */
    delay,
    /** Chosen by hand (not a fallback). */
    chosen,
    /** Live audio still tries in the background. */
    fallback: hlsOn && !chosen,
    choose,
  };
}

function nativeDate(audio: HTMLAudioElement): number | null {
  const start = (audio as HTMLAudioElement & { getStartDate?: () => Date }).getStartDate?.().getTime();
  return start && !Number.isNaN(start) ? start + audio.currentTime * 1000 : null;
}
