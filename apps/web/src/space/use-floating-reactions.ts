import { useCallback, useEffect, useRef, useState } from 'react';

const FLOAT_MS = 2200;

export type Floating = { id: number; emoji: string; left: number };

/** Emoji that float up over the stage for a moment. */
export function useFloatingReactions() {
  const [floating, setFloating] = useState<Floating[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending) clearTimeout(timer);
    };
  }, []);
  const add = useCallback((emoji: string) => {
    const id = nextId.current++;
    const left = 8 + Math.random() * 84;
    setFloating((list) => [...list.slice(-29), { id, emoji, left }]);
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      setFloating((list) => list.filter((f) => f.id !== id));
    }, FLOAT_MS);
    timers.current.add(timer);
  }, []);
  return { floating, add };
}
