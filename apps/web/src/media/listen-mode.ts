import type { MediaInfo } from '@earshot/protocol';
import { useEffect, useState } from 'react';
import { request } from '../api';

const KEY = 'earshot:data-saver';
let info: Promise<MediaInfo> | undefined;

const stored = () => {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
};

/**
 * Whether to listen to the room mix: one stream whatever the stage holds (a third-party-player
 * quality conversation at the cost of one forwarded stream), instead of a track per speaker. Big
 * rooms (the server's `mixListenersFrom`) and listeners who pick "Data saver" get the mix; people
 * on stage never do (the mix has their own voice in it).
 */
export function useListenMode(listenerCount: number, onStage: boolean) {
  const [dataSaver, setDataSaverState] = useState(stored);
  const [from, setFrom] = useState<number | null>(null);
  useEffect(() => {
    info ??= request<MediaInfo>('GET', '/media');
    let live = true;
    info.then(
      (i) => live && setFrom(i.mixListenersFrom),
      () => {
        info = undefined; // try again next time
      },
    );
    return () => {
      live = false;
    };
  }, []);
  const setDataSaver = (on: boolean) => {
    setDataSaverState(on);
    try {
      localStorage.setItem(KEY, on ? '1' : '0');
    } catch {
      // private mode: the choice lasts this visit
    }
  };
  // A room hovering at the threshold must not reconnect its listeners back and forth.
  const [bigRoom, setBigRoom] = useState(false);
  useEffect(() => {
    if (from === null) return;
    if (!bigRoom && listenerCount >= from) setBigRoom(true);
    else if (bigRoom && listenerCount < Math.floor(from * 0.8)) setBigRoom(false);
  }, [listenerCount, from, bigRoom]);
  return { mix: !onStage && (dataSaver || bigRoom), bigRoom, dataSaver, setDataSaver };
}
