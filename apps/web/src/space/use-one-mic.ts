import { useCallback, useEffect, useRef, useState } from 'react';

type Claim = { type: 'claim'; spaceId: string; userId: string; tab: string };

/**
 * One microphone per person across this browser's tabs: a tab that starts publishing (or is told
 * "Use this tab") claims it over a BroadcastChannel, and every other tab of the same person in the
 * same Space lets go (`elsewhere`), instead of taking it back from the server every few seconds.
 * Letting go sticks until "Use this tab": a blip (the live socket reconnecting, the room re-read)
 * that briefly turns `wants` off and on must not take the mic back from the tab that has it.
 */
export function useOneMicPerPerson(spaceId: string | null, userId: string | null, wants: boolean) {
  const [elsewhere, setElsewhere] = useState(false);
  const elsewhereRef = useRef(false);
  elsewhereRef.current = elsewhere;
  const tab = useRef(Math.random().toString(36).slice(2));
  const channel = useRef<BroadcastChannel | null>(null);

  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const ch = new BroadcastChannel('earshot-mic');
    channel.current = ch;
    return () => {
      ch.close();
      channel.current = null;
    };
  }, []);

  const claim = useCallback(() => {
    if (!spaceId || !userId) return;
    channel.current?.postMessage({ type: 'claim', spaceId, userId, tab: tab.current } satisfies Claim);
  }, [spaceId, userId]);

  // Another Space (or person): nothing let go yet.
  useEffect(() => {
    elsewhereRef.current = false;
    setElsewhere(false);
  }, [spaceId, userId]);

  // The newest tab takes the mic: claim it when this tab comes to want it, unless it let go.
  useEffect(() => {
    if (wants && !elsewhereRef.current) claim();
  }, [wants, claim]);

  useEffect(() => {
    const ch = channel.current;
    if (!ch || !spaceId || !userId) return;
    const onMessage = (event: MessageEvent<Claim>) => {
      const m = event.data;
      if (m?.type === 'claim' && m.spaceId === spaceId && m.userId === userId && m.tab !== tab.current)
        setElsewhere(true);
    };
    ch.addEventListener('message', onMessage);
    return () => ch.removeEventListener('message', onMessage);
  }, [spaceId, userId]);

  const takeOver = useCallback(() => {
    setElsewhere(false);
    claim();
  }, [claim]);

  return { elsewhere: wants && elsewhere, takeOver };
}
