import { useCallback, useState } from 'react';

type Where = 'local' | 'session';

function read(where: Where, key: string): boolean | null {
  try {
    const value = (where === 'local' ? localStorage : sessionStorage).getItem(key);
    return value === null ? null : value === '1';
  } catch {
    return null; // storage blocked: the choice lasts as long as the page
  }
}

function write(where: Where, key: string, value: boolean) {
  try {
    (where === 'local' ? localStorage : sessionStorage).setItem(key, value ? '1' : '0');
  } catch {
    // see read()
  }
}

/** A yes/no the browser remembers (localStorage, or sessionStorage for this tab); re-read when `key` changes. */
export function useStoredFlag(key: string, fallback: boolean, where: Where = 'local') {
  const [held, setHeld] = useState(() => ({ key, value: read(where, key) ?? fallback }));
  const value = held.key === key ? held.value : (read(where, key) ?? fallback);
  const set = useCallback(
    (next: boolean) => {
      write(where, key, next);
      setHeld({ key, value: next });
    },
    [key, where],
  );
  return [value, set] as const;
}
