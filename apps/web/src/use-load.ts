import { useCallback, useEffect, useRef, useState } from 'react';

export type Load<T> =
  | { state: 'loading'; data?: undefined; error?: undefined }
  | { state: 'error'; data?: undefined; error: unknown }
  | { state: 'ready'; data: T; error?: undefined };

/**
 * Runs `fetcher` on mount and whenever `key` changes. `setData` lets a page apply a local change
 * (a new post, a live message) without refetching.
 */
export function useLoad<T>(key: string, fetcher: () => Promise<T>) {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const latest = useRef(fetcher);
  latest.current = fetcher;
  const generation = useRef(0);

  const reload = useCallback(async (quiet = false) => {
    const mine = ++generation.current;
    if (!quiet) setLoad({ state: 'loading' });
    try {
      const data = await latest.current();
      if (mine === generation.current) setLoad({ state: 'ready', data });
    } catch (error) {
      if (mine === generation.current && !quiet) setLoad({ state: 'error', error });
    }
  }, []);

  useEffect(() => {
    void reload();
    return () => {
      generation.current++;
    };
  }, [key, reload]);

  const setData = useCallback((update: (data: T) => T) => {
    setLoad((current) => (current.state === 'ready' ? { state: 'ready', data: update(current.data) } : current));
  }, []);

  return { ...load, reload, setData };
}
