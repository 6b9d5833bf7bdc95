// What clicking a calendar event opens: the post on that account, and what can be done to it
// (edit the caption, duplicate, cancel one account or all, delete, publish now).
import {
  canTarget,
  PLATFORM_LABELS,
  TARGET_STATUS_COLORS,
  TARGET_STATUS_LABELS,
  toZonedLocal,
} from '@herald/core/domain';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Drawer,
  Group,
  Loader,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { summarizeError } from '../../lib/trpc-errors.ts';
import { trpc } from '../../lib/trpc.ts';
import type { CalendarEntryView } from './calendar-events.ts';

interface Props {
  entry: CalendarEntryView | null;
  timeZone: string;
  canWrite: boolean;
  onClose: () => void;
}

export const wallText = (instant: Date, timeZone: string) =>
  toZonedLocal(instant, timeZone).slice(0, 16).replace('T', ' ');

export function EventPanel({ entry, timeZone, canWrite, onClose }: Props) {
  return (
    <Drawer
      opened={entry !== null}
      onClose={onClose}
      position="right"
      size="md"
      title={
        entry
          ? `${entry.client.name} · ${PLATFORM_LABELS[entry.account.platform]} ${entry.account.handle}`
          : ''
      }
    >
      {entry ? (
        // Keyed: another event starts with a fresh caption draft and no stale messages.
        <PanelBody
          key={entry.targetId}
          entry={entry}
          timeZone={timeZone}
          canWrite={canWrite}
          onClose={onClose}
        />
      ) : null}
    </Drawer>
  );
}

function PanelBody({ entry, timeZone, canWrite, onClose }: Props & { entry: CalendarEntryView }) {
  const utils = trpc.useUtils();
  const post = trpc.posts.get.useQuery({ postId: entry.postId });
  const [caption, setCaption] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = async (message: string) => {
    setNotice(message);
    await Promise.all([
      utils.calendar.entries.invalidate(),
      utils.posts.get.invalidate({ postId: entry.postId }),
    ]);
  };
  const updateCaption = trpc.calendar.updateCaption.useMutation({
    onSuccess: () => {
      setCaption(null);
      return refresh('Caption saved.');
    },
  });
  const duplicate = trpc.calendar.duplicate.useMutation({
    onSuccess: () => refresh('Copied as a draft, at the same time.'),
  });
  const cancelTarget = trpc.calendar.cancelTarget.useMutation({
    onSuccess: () => refresh(`Cancelled on ${entry.account.handle}.`),
  });
  const cancelPost = trpc.posts.cancel.useMutation({
    onSuccess: () => refresh('Cancelled on every account that had not started.'),
  });
  const publishNow = trpc.posts.publishNow.useMutation({
    onSuccess: () => refresh('Publishing now.'),
  });
  const deletePost = trpc.calendar.deletePost.useMutation({
    onSuccess: async () => {
      await utils.calendar.entries.invalidate();
      onClose();
    },
  });
  const mutations = [updateCaption, duplicate, cancelTarget, cancelPost, publishNow, deletePost];
  const failed = mutations.find((m) => m.error)?.error;
  const busy = mutations.some((m) => m.isPending);
  /** One action at a time: a new one clears the last one's message. */
  const run = (action: () => void) => {
    for (const m of mutations) m.reset();
    setNotice(null);
    action();
  };

  if (post.isPending) return <Loader aria-label="Loading the post" />;
  if (post.error) {
    return (
      <Alert color="red" role="alert">
        {summarizeError(post.error).message}
      </Alert>
    );
  }
  const data = post.data;
  const target = data.targets.find((t) => t.id === entry.targetId);
  const statuses = data.targets.map((t) => t.status);
  const started = statuses.some((s) =>
    ['publishing', 'published', 'reconciling', 'unconfirmed'].includes(s),
  );
  const targetStatus = target?.status ?? entry.status;
  const text = caption ?? data.caption;

  return (
    <Stack gap="md">
      <Group gap="xs">
        <Badge color={TARGET_STATUS_COLORS[targetStatus]} variant="light">
          {TARGET_STATUS_LABELS[targetStatus]}
        </Badge>
        <Text size="sm">
          {targetStatus === 'published' && target?.publishedAt
            ? `Published ${wallText(target.publishedAt, timeZone)}`
            : `Scheduled for ${wallText(target?.scheduledFor ?? entry.scheduledFor, timeZone)}`}{' '}
          ({timeZone})
        </Text>
      </Group>
      {data.targets.length > 1 ? (
        <Text size="sm" c="dimmed">
          This post also goes to{' '}
          {data.targets
            .filter((t) => t.id !== entry.targetId)
            .map((t) => `${t.socialAccount.handle} (${TARGET_STATUS_LABELS[t.status]})`)
            .join(', ')}
          . Moving it moves every account.
        </Text>
      ) : null}

      <form
        aria-label="Edit the caption"
        onSubmit={(event) => {
          event.preventDefault();
          run(() => updateCaption.mutate({ postId: data.id, caption: text }));
        }}
      >
        <Stack gap="xs">
          <Textarea
            label="Caption"
            autosize
            minRows={3}
            maxRows={12}
            value={text}
            onChange={(event) => setCaption(event.currentTarget.value)}
            readOnly={!canWrite || started}
            description={
              started
                ? 'An account has started publishing: the caption can no longer change.'
                : undefined
            }
          />
          {canWrite && !started ? (
            <Group>
              <Button type="submit" size="xs" disabled={caption === null || busy}>
                Save caption
              </Button>
              {caption !== null ? (
                <Button variant="subtle" size="xs" onClick={() => setCaption(null)}>
                  Undo changes
                </Button>
              ) : null}
            </Group>
          ) : null}
        </Stack>
      </form>

      {notice ? (
        <Alert color="green" role="status">
          {notice}
        </Alert>
      ) : null}
      {failed ? (
        <Alert color="red" role="alert">
          {summarizeError(failed).message}
        </Alert>
      ) : null}

      {canWrite ? (
        <Stack gap="xs">
          {statuses.some((s) => canTarget(s, 'schedule') || canTarget(s, 'reschedule')) ? (
            <AskFirst
              label="Publish now"
              question="Publish this post on every account that has not published, now?"
              confirm="Yes, publish now"
              color="blue"
              disabled={busy}
              onConfirm={() => run(() => publishNow.mutate({ postId: data.id }))}
            />
          ) : null}
          <Button
            variant="default"
            size="xs"
            disabled={busy}
            onClick={() => run(() => duplicate.mutate({ postId: data.id }))}
          >
            Duplicate as a draft
          </Button>
          {canTarget(targetStatus, 'cancel') && data.targets.length > 1 ? (
            <AskFirst
              label={`Cancel on ${entry.account.handle} only`}
              question={`Cancel this post on ${entry.account.handle}? The other accounts go ahead.`}
              confirm="Yes, cancel it there"
              color="red"
              disabled={busy}
              onConfirm={() => run(() => cancelTarget.mutate({ targetId: entry.targetId }))}
            />
          ) : null}
          {statuses.some((s) => canTarget(s, 'cancel')) ? (
            <AskFirst
              label="Cancel the whole post"
              question="Cancel this post on every account that has not started?"
              confirm="Yes, cancel the post"
              color="red"
              disabled={busy}
              onConfirm={() => run(() => cancelPost.mutate({ postId: data.id }))}
            />
          ) : null}
          {statuses.every((s) => s === 'draft' || s === 'cancelled') ? (
            <AskFirst
              label="Delete the post"
              question="Delete this post for good? This cannot be undone."
              confirm="Yes, delete it"
              color="red"
              disabled={busy}
              onConfirm={() => run(() => deletePost.mutate({ postId: data.id }))}
            />
          ) : null}
        </Stack>
      ) : null}

      <Anchor component={Link} to={`/posts/${data.id}`}>
        Open the post
      </Anchor>
    </Stack>
  );
}

/** A button that asks first, in place: for what cannot be taken back. */
function AskFirst(props: {
  label: string;
  question: string;
  confirm: string;
  color: string;
  disabled: boolean;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button
        variant="light"
        color={props.color}
        size="xs"
        disabled={props.disabled}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </Button>
    );
  }
  return (
    <Stack gap={4} role="group" aria-label={props.label}>
      <Text size="sm">{props.question}</Text>
      <Group gap="xs">
        <Button
          color={props.color}
          size="xs"
          onClick={() => {
            setAsking(false);
            props.onConfirm();
          }}
        >
          {props.confirm}
        </Button>
        <Button variant="subtle" size="xs" onClick={() => setAsking(false)}>
          No, keep it
        </Button>
      </Group>
    </Stack>
  );
}
