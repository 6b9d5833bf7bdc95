import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/**
 * The browser's own timezone, or null while server-rendering and hydrating: the server
 * cannot know it, and guessing would make the hydrated page disagree with the HTML.
 */
export function useViewerTimeZone(): string | null {
  return useSyncExternalStore(
    noSubscription,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    () => null,
  );
}
