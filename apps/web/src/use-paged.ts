import type { Page } from '@earshot/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PageParams } from './api';

type Paged<T> = {
  items: T[];
  nextCursor: string | null;
  state: 'loading' | 'ready' | 'error';
  error: unknown;
  loadingMore: boolean;
  moreError: unknown;
};

/** A cursor-paged list: first page on mount / key change, then `loadMore`. */
export function usePaged<P extends Page<{ id: string }>>(
  key: string,
  fetchPage: (page: PageParams) => Promise<P>,
  onFirstPage?: (page: P) => void,
) {
  type T = P['items'][number];
  const [paged, setPaged] = useState<Paged<T>>({
    items: [],
    nextCursor: null,
    state: 'loading',
    error: null,
    loadingMore: false,
    moreError: null,
  });
  const latest = useRef({ fetchPage, onFirstPage });
  latest.current = { fetchPage, onFirstPage };
  const generation = useRef(0);

  const reload = useCallback(async (quiet = false) => {
    const mine = ++generation.current;
    if (!quiet) setPaged((p) => ({ ...p, state: 'loading', error: null }));
    try {
      const page = await latest.current.fetchPage({});
      if (mine !== generation.current) return;
      latest.current.onFirstPage?.(page);
      setPaged((p) => ({
        ...p,
        // keep live-added items that the page does not contain yet
        items: quiet ? mergeById(page.items, p.items) : page.items,
        nextCursor: quiet && p.items.length > page.items.length ? p.nextCursor : page.nextCursor,
        state: 'ready',
        error: null,
      }));
    } catch (error) {
      if (mine === generation.current && !quiet) setPaged((p) => ({ ...p, state: 'error', error }));
    }
  }, []);

  useEffect(() => {
    void reload();
    return () => {
      generation.current++;
    };
  }, [key, reload]);

  const loadMore = useCallback(async () => {
    const cursor = paged.nextCursor;
    if (!cursor || paged.loadingMore) return;
    const mine = generation.current;
    setPaged((p) => ({ ...p, loadingMore: true, moreError: null }));
    try {
      const page = await latest.current.fetchPage({ cursor });
      if (mine !== generation.current) return;
      setPaged((p) => ({
        ...p,
        items: mergeById(p.items, page.items),
        nextCursor: page.nextCursor,
        loadingMore: false,
      }));
    } catch (moreError) {
      if (mine === generation.current) setPaged((p) => ({ ...p, loadingMore: false, moreError }));
    }
  }, [paged.nextCursor, paged.loadingMore]);

  /** Adds items at the front (newest), skipping ones already shown. */
  const prepend = useCallback((...items: T[]) => {
    setPaged((p) => ({ ...p, items: mergeById(items, p.items) }));
  }, []);

  const update = useCallback((fn: (items: T[]) => T[]) => {
    setPaged((p) => ({ ...p, items: fn(p.items) }));
  }, []);

  return { ...paged, reload, loadMore, prepend, update };
}

/** `first` then those of `rest` not already in it, by id. */
export function mergeById<T extends { id: string }>(first: T[], rest: T[]): T[] {
  const seen = new Set(first.map((item) => item.id));
  return [...first, ...rest.filter((item) => !seen.has(item.id))];
}
