import { useCallback, useEffect, useRef, useState } from 'react';

/** `rank` orders claims: a tab's load time, or the moment of its "Use this tab" (always newer). */
type Claim = { type: 'claim'; spaceId: string; userId: string; tab: string; rank: number };

/**
 * One microphone per person across this browser's tabs: a tab that starts publishing (or is told
 * "Use this tab") claims it over a BroadcastChannel, and every other tab of the same person in the
 * same Space lets go (`elsewhere`), instead of taking it back from the server every few seconds.
 * The newest claim wins even when claims cross (two tabs loading together): a tab holding the mic
 * answers an older claim with its own. Letting go sticks until "Use this tab" or until the tab with
 * the mic closes: a blip (the live socket reconnecting, the room re-read) that briefly turns `wants`
 * off and on must not take the mic back from the tab that has it.
 *
 * The tab with the mic also holds a Web Lock, which the browser frees when the tab goes; the tabs
 * that let go wait for it, so closing the tab with the mic hands it to another without a click. A
 * claim takes the lock first and then tells the others, so a tab letting go queues behind it.
 */
export function useOneMicPerPerson(spaceId: string | null, userId: string | null, wants: boolean) {
  const [elsewhere, setElsewhere] = useState(false);
  const elsewhereRef = useRef(false);
  elsewhereRef.current = elsewhere;
  const wantsRef = useRef(wants);
  wantsRef.current = wants;
  const tab = useRef(Math.random().toString(36).slice(2));
  const rank = useRef(performance.timeOrigin);
  const channel = useRef<BroadcastChannel | null>(null);
  const lock = useRef<{ release: () => void } | null>(null);

  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const ch = new BroadcastChannel('earshot-mic');
    channel.current = ch;
    return () => {
      ch.close();
      channel.current = null;
    };
  }, []);

  const release = useCallback(() => {
    lock.current?.release();
    lock.current = null;
  }, []);

  /** Takes the mic's lock (stealing it, or waiting for it) and keeps it until released; `then` runs once held. */
  const hold = useCallback(
    (steal: boolean, then: () => void) => {
      const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
      if (!locks || !spaceId || !userId) {
        if (steal) then();
        return;
      }
      release();
      const waiting = new AbortController();
      let free = () => {};
      const held = new Promise<void>((resolve) => {
        free = resolve;
      });
      const mine = {
        release: () => {
          waiting.abort();
          free();
        },
      };
      lock.current = mine;
      // A stolen lock or an abandoned wait rejects (AbortError): nothing to do.
      locks
        .request(`earshot-mic:${spaceId}:${userId}`, steal ? { steal } : { signal: waiting.signal }, () => {
          if (lock.current !== mine) return;
          then();
          return held;
        })
        .catch(() => {});
    },
    [spaceId, userId, release],
  );

  const claim = useCallback(() => {
    hold(true, () => {
      if (!spaceId || !userId) return;
      const message: Claim = { type: 'claim', spaceId, userId, tab: tab.current, rank: rank.current };
      channel.current?.postMessage(message);
    });
  }, [spaceId, userId, hold]);

  /** Waits for the tab that has the mic to close (or stop wanting it), then takes it. */
  const waitForMic = useCallback(() => {
    hold(false, () => {
      if (!wantsRef.current || !elsewhereRef.current) return release();
      elsewhereRef.current = false;
      setElsewhere(false);
      claim();
    });
  }, [hold, release, claim]);

  // Another Space (or person): nothing let go yet.
  useEffect(() => {
    elsewhereRef.current = false;
    setElsewhere(false);
    return release;
  }, [spaceId, userId, release]);

  // Claim the mic when this tab comes to want it (or wait, if it let go); free the lock when it stops.
  useEffect(() => {
    if (!wants) release();
    else if (elsewhereRef.current) waitForMic();
    else claim();
  }, [wants, claim, release, waitForMic]);

  useEffect(() => {
    const ch = channel.current;
    if (!ch || !spaceId || !userId) return;
    const onMessage = (event: MessageEvent<Claim>) => {
      const m = event.data;
      if (m?.type !== 'claim' || m.spaceId !== spaceId || m.userId !== userId || m.tab === tab.current) return;
      const newer = rank.current > m.rank || (rank.current === m.rank && tab.current > m.tab);
      if (wantsRef.current && !elsewhereRef.current && newer) {
        claim();
        return;
      }
      setElsewhere(true);
      elsewhereRef.current = true;
      if (wantsRef.current) waitForMic();
    };
    ch.addEventListener('message', onMessage);
    return () => ch.removeEventListener('message', onMessage);
  }, [spaceId, userId, claim, waitForMic]);

  const takeOver = useCallback(() => {
    rank.current = Date.now();
    elsewhereRef.current = false;
    setElsewhere(false);
    claim();
  }, [claim]);

  return { elsewhere: wants && elsewhere, takeOver };
}
