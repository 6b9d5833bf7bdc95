import { useSyncExternalStore } from 'react';

// One shared one-second tick for everything on the page that compares a time with now.
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  timer ??= setInterval(() => {
    for (const l of listeners) l();
  }, 1_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** Whole seconds, so the value is stable between ticks as React requires. */
const nowSecond = () => Math.floor(Date.now() / 1_000) * 1_000;

/**
 * The browser's clock to the second, or null while server-rendering and hydrating: the page
 * must hydrate to exactly what the server sent.
 */
export function useNow(): number | null {
  return useSyncExternalStore(subscribe, nowSecond, () => null);
}
