// Keeps the notification queries fresh while a page is open: one EventSource on
// /notifications/stream per tab (shared by every component that calls this), and each new
// notification, resync or (re)connection invalidates what the bell and the list show.
import { useEffect } from 'react';
import { trpc } from './trpc.ts';

type Listener = () => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;

function open() {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/notifications/stream');
  const changed = () => listeners.forEach((listener) => listener());
  // `ready` comes on every (re)connection: whatever was missed meanwhile is refetched.
  source.addEventListener('ready', changed);
  source.addEventListener('notification', changed);
  source.addEventListener('resync', changed);
}

function close() {
  source?.close();
  source = null;
}

export function useLiveNotifications(): void {
  const utils = trpc.useUtils();
  useEffect(() => {
    const listener = () => void utils.notifications.invalidate();
    listeners.add(listener);
    open();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) close();
    };
  }, [utils]);
}
