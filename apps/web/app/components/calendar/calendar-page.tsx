// The calendar of one client (in its timezone) or of every client (in the viewer's), with
// filters, drag-to-reschedule and the event panel.
import {
  PLATFORM_LABELS,
  TARGET_STATUSES,
  TARGET_STATUS_LABELS,
  toZonedLocal,
  type Platform,
  type TargetStatus,
} from '@herald/core/domain';
import { Alert, Group, Loader, MultiSelect, Stack, Text } from '@mantine/core';
import { keepPreviousData } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useMemo, useState, useSyncExternalStore } from 'react';
import { summarizeError } from '../../lib/trpc-errors.ts';
import { trpc } from '../../lib/trpc.ts';
import { useViewerTimeZone } from '../../lib/use-viewer-time-zone.ts';
import { ApiError } from '../api-error.tsx';
import { instantOfWall, toWallEvent, type CalendarEntryView } from './calendar-events.ts';
import { EventPanel } from './event-panel.tsx';
import type { CalendarViewProps } from './calendar-view.client.tsx';

const CalendarView = lazy(() => import('./calendar-view.client.tsx'));

export interface CalendarAccount {
  id: string;
  platform: Platform;
  handle: string;
  clientName: string;
}

interface Props {
  /** One client's calendar, in its timezone; null: every client, in the viewer's. */
  client: { id: string; name: string; timezone: string } | null;
  accounts: CalendarAccount[];
  canWrite: boolean;
  /** The day to open on (`YYYY-MM-DD`, e.g. from `?date=`); today otherwise. */
  initialDate?: string | undefined;
}

const DAY = 86_400_000;
const noSubscription = () => () => {};

export function CalendarPage({ client, accounts, canWrite, initialDate }: Props) {
  const viewerZone = useViewerTimeZone();
  // FullCalendar measures the DOM: it renders in the browser only, after hydration.
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const timeZone = client?.timezone ?? viewerZone;
  const [range, setRange] = useState<{ start: Date; end: Date } | null>(null);
  const [platforms, setPlatforms] = useState<string[]>([]);
  const [accountIds, setAccountIds] = useState<string[]>([]);
  const [statuses, setStatuses] = useState<string[]>([]);
  const [open, setOpen] = useState<CalendarEntryView | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'refused'; text: string } | null>(null);
  const utils = trpc.useUtils();

  // The wall-clock range FullCalendar shows, widened by a day each side: any zone's offset
  // is less than that, so every instant on a visible day is asked for.
  const input = range
    ? {
        from: new Date(range.start.getTime() - DAY),
        to: new Date(range.end.getTime() + DAY),
        ...(client ? { clientId: client.id } : {}),
        ...(platforms.length ? { platforms: platforms as Platform[] } : {}),
        ...(accountIds.length ? { accountIds } : {}),
        ...(statuses.length ? { statuses: statuses as TargetStatus[] } : {}),
      }
    : null;
  const entries = trpc.calendar.entries.useQuery(input!, {
    enabled: input !== null,
    placeholderData: keepPreviousData,
  });
  const reschedule = trpc.calendar.reschedule.useMutation();

  const events = useMemo(
    () =>
      timeZone
        ? (entries.data ?? []).map((entry) =>
            toWallEvent(entry, timeZone, { showClient: client === null, canWrite }),
          )
        : [],
    [entries.data, timeZone, client, canWrite],
  );

  const onRange = useCallback((next: { start: Date; end: Date }) => {
    setRange((current) =>
      current &&
      current.start.getTime() === next.start.getTime() &&
      current.end.getTime() === next.end.getTime()
        ? current
        : next,
    );
  }, []);

  const onDrop: CalendarViewProps['onDrop'] = ({ entry, start, revert }) => {
    if (!timeZone) return revert();
    let scheduledFor: Date;
    try {
      scheduledFor = instantOfWall(start, timeZone);
    } catch (error) {
      revert();
      setMessage({ kind: 'refused', text: (error as Error).message });
      return;
    }
    setMessage(null);
    reschedule.mutate(
      { postId: entry.postId, scheduledFor },
      {
        onSuccess: () => {
          setMessage({
            kind: 'ok',
            text: `Moved to ${toZonedLocal(scheduledFor, timeZone).slice(0, 16).replace('T', ' ')} (${timeZone}).`,
          });
          void utils.calendar.entries.invalidate();
        },
        onError: (error) => {
          revert();
          setMessage({
            kind: 'refused',
            text: `The post was not moved: ${summarizeError(error).message}`,
          });
        },
      },
    );
  };

  // Today and the now-line in the calendar's zone; read when the zone is known.
  const now = useMemo(() => (timeZone ? toZonedLocal(new Date(), timeZone) : ''), [timeZone]);

  const onOpen = useCallback((entry: CalendarEntryView) => setOpen(entry), []);

  return (
    <Stack gap="md">
      <Group align="flex-end" gap="sm" role="search" aria-label="Filter the calendar">
        <MultiSelect
          label="Platforms"
          placeholder={platforms.length ? undefined : 'All platforms'}
          data={[...new Set(accounts.map((a) => a.platform))].map((p) => ({
            value: p,
            label: PLATFORM_LABELS[p],
          }))}
          value={platforms}
          onChange={setPlatforms}
          clearable
          w={220}
        />
        <MultiSelect
          label="Accounts"
          placeholder={accountIds.length ? undefined : 'All accounts'}
          data={accounts.map((a) => ({
            value: a.id,
            label: client
              ? `${PLATFORM_LABELS[a.platform]} ${a.handle}`
              : `${a.clientName} · ${PLATFORM_LABELS[a.platform]} ${a.handle}`,
          }))}
          value={accountIds}
          onChange={setAccountIds}
          clearable
          searchable
          w={300}
        />
        <MultiSelect
          label="Statuses"
          placeholder={statuses.length ? undefined : 'All statuses'}
          data={TARGET_STATUSES.map((s) => ({ value: s, label: TARGET_STATUS_LABELS[s] }))}
          value={statuses}
          onChange={setStatuses}
          clearable
          w={260}
        />
        {entries.isFetching ? <Loader size="sm" aria-label="Loading posts" /> : null}
      </Group>
      <Text size="sm" c="dimmed">
        {timeZone ? `Times in ${timeZone}.` : ' '}
        {canWrite ? ' Drag a post to another day or time to reschedule it.' : ''}
      </Text>
      {message ? (
        <Alert
          color={message.kind === 'ok' ? 'green' : 'red'}
          role={message.kind === 'ok' ? 'status' : 'alert'}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setMessage(null)}
        >
          {message.text}
        </Alert>
      ) : null}
      {entries.error ? (
        <ApiError error={entries.error} prefix="Could not load the calendar: " />
      ) : null}
      {timeZone && hydrated ? (
        <Suspense fallback={<Loader aria-label="Loading the calendar" />}>
          <CalendarView
            events={events}
            now={now}
            {...(initialDate ? { initialDate } : {})}
            onRange={onRange}
            onDrop={onDrop}
            onOpen={onOpen}
          />
        </Suspense>
      ) : (
        <Loader aria-label="Loading the calendar" />
      )}
      <EventPanel
        entry={open}
        timeZone={timeZone ?? 'UTC'}
        canWrite={canWrite}
        onClose={() => setOpen(null)}
      />
    </Stack>
  );
}
