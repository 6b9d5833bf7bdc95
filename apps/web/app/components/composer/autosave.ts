// Unsaved work in the composer survives an accidental reload: kept in this browser's
// localStorage per client, offered back with a notice (never restored unasked), and cleared
// once the post is saved.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';

const PREFIX = 'herald.composer.';

export interface Stored<T> {
  savedAt: number;
  work: T;
}

function readRaw(clientId: string): string | null {
  try {
    return window.localStorage.getItem(PREFIX + clientId);
  } catch {
    return null;
  }
}

function parse<T>(raw: string | null): Stored<T> | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Stored<T>;
    return typeof parsed.savedAt === 'number' && parsed.work ? parsed : null;
  } catch {
    return null;
  }
}

const noSubscription = () => () => {};

function write(clientId: string, value: Stored<unknown> | null) {
  try {
    if (value) window.localStorage.setItem(PREFIX + clientId, JSON.stringify(value));
    else window.localStorage.removeItem(PREFIX + clientId);
  } catch {
    // Storage full or switched off: the composer works, only without this safety net.
  }
}

/**
 * Keeps `work` (when `worthKeeping`) under the client's key. `offer` is earlier work found when
 * the composer opened; until the person restores or discards it, nothing overwrites it.
 */
export function useAutosave<T>(clientId: string, work: T, worthKeeping: boolean) {
  // What was stored when the composer opened: read once in the browser, never on the server
  // (the hydrated page must match the HTML, so the notice appears just after).
  const opened = useRef<string | null | undefined>(undefined);
  const raw = useSyncExternalStore(
    noSubscription,
    () => {
      if (opened.current === undefined) opened.current = readRaw(clientId);
      return opened.current;
    },
    () => null,
  );
  const inBrowser = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const [settled, setSettled] = useState(false);
  const found = settled ? null : parse<T>(raw);
  const keeping = inBrowser && found === null;
  const serialized = JSON.stringify(work);
  useEffect(() => {
    if (!keeping) return;
    write(clientId, worthKeeping ? { savedAt: Date.now(), work: JSON.parse(serialized) } : null);
  }, [clientId, serialized, worthKeeping, keeping]);
  return {
    offer: found,
    /** The offer was taken or declined: from now on the composer's work is kept. */
    settle() {
      setSettled(true);
    },
    /** The post was saved: nothing to keep. */
    clear() {
      write(clientId, null);
    },
  };
}
