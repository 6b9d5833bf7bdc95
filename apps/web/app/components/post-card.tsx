import { canTarget, PLATFORM_LABELS, type TargetStatus } from '@herald/core/domain';
import { Alert, Anchor, Button, Card, Group, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { formatInZone } from '../lib/format.ts';
import { trpc, type PostView, type TargetView } from '../lib/trpc.ts';
import { ApiError } from './api-error.tsx';
import { ConfirmButton } from './confirm-button.tsx';
import { MarkPublishedForm } from './mark-published-form.tsx';
import { RescheduleForm } from './reschedule-form.tsx';
import { StatusBadge } from './status-badge.tsx';

interface Props {
  post: PostView;
  timeZone: string;
  canWrite: boolean;
}

/** How soon a rescheduled post should go out when its old time has already passed. */
const RESCHEDULE_LEAD_MS = 5 * 60_000;

/** The time form open on the card: moving the post's time, or scheduling its drafts. */
type TimeForm = { kind: 'reschedule' | 'schedule'; from: Date };

export function PostCard({ post, timeZone, canWrite }: Props) {
  const utils = trpc.useUtils();
  const [timeForm, setTimeForm] = useState<TimeForm | null>(null);
  const refresh = { onSuccess: () => utils.posts.list.invalidate({ clientId: post.clientId }) };
  const cancel = trpc.posts.cancel.useMutation(refresh);
  const publishNow = trpc.posts.publishNow.useMutation(refresh);
  const unschedule = trpc.posts.unschedule.useMutation(refresh);
  const statuses = post.targets.map((t) => t.status);
  const cancellable = statuses.some((s) => canTarget(s, 'cancel'));
  // A draft's time is changed by scheduling it; Reschedule is for what is (or was) queued.
  const reschedulable = statuses.some((s) => s !== 'draft' && canTarget(s, 'reschedule'));
  const schedulable = statuses.some((s) => canTarget(s, 'schedule'));
  const unschedulable = statuses.some((s) => canTarget(s, 'unschedule'));
  const publishable = statuses.some((s) => canTarget(s, 'schedule') || canTarget(s, 'reschedule'));
  const formStillApplies = timeForm?.kind === 'schedule' ? schedulable : reschedulable;
  const postError = cancel.error ?? publishNow.error ?? unschedule.error;
  const captionId = `post-${post.id}-caption`;

  function openTimeForm(kind: TimeForm['kind']) {
    // The current time if it is still ahead, else a few minutes from now.
    const current = post.targets[0]?.scheduledFor;
    const soon = new Date(Date.now() + RESCHEDULE_LEAD_MS);
    setTimeForm({ kind, from: current && current > soon ? current : soon });
  }

  /** One post-wide action at a time: a new one clears the last one's error. */
  function run(action: () => void) {
    for (const m of [cancel, publishNow, unschedule]) m.reset();
    action();
  }

  return (
    <Card
      component="article"
      withBorder
      padding="md"
      aria-labelledby={captionId}
      data-post-id={post.id}
    >
      <Stack gap="sm">
        <Text id={captionId} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {post.caption}
        </Text>
        {post.media.length > 0 ? (
          <Text size="sm" c="dimmed">
            {post.media.length === 1 ? '1 file: ' : `${post.media.length} files: `}
            {post.media.map((m) => m.name).join(', ')}
          </Text>
        ) : null}
        <Stack
          component="ul"
          gap="xs"
          aria-label="Accounts"
          style={{ listStyle: 'none', margin: 0, padding: 0 }}
        >
          {post.targets.map((target) => (
            <TargetRow
              key={target.id}
              target={target}
              clientId={post.clientId}
              timeZone={timeZone}
              canWrite={canWrite}
            />
          ))}
        </Stack>
        {postError ? <ApiError error={postError} /> : null}
        {canWrite && timeForm && !formStillApplies ? (
          // The worker moved on while the form was open: saving would only be refused.
          <Alert color="blue" variant="light" role="status" p="sm">
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm">{noLongerReschedulable(statuses, timeForm.kind)}</Text>
              <Button size="xs" variant="default" onClick={() => setTimeForm(null)}>
                Close
              </Button>
            </Group>
          </Alert>
        ) : null}
        {canWrite && timeForm && formStillApplies ? (
          <RescheduleForm
            kind={timeForm.kind}
            postId={post.id}
            clientId={post.clientId}
            timeZone={timeZone}
            initial={timeForm.from}
            onDone={() => setTimeForm(null)}
          />
        ) : null}
        {canWrite &&
        !timeForm &&
        (cancellable || reschedulable || schedulable || publishable || unschedulable) ? (
          <Group gap="xs" className="post-actions">
            {schedulable ? (
              <Button size="xs" onClick={() => openTimeForm('schedule')}>
                Schedule
              </Button>
            ) : null}
            {publishable ? (
              <ConfirmButton
                tone="subtle"
                label="Publish now"
                question="Publish this post now, to every account that has not published it yet?"
                confirmLabel="Yes, publish now"
                pendingLabel="Publishing…"
                pending={publishNow.isPending}
                onConfirm={() => run(() => publishNow.mutate({ postId: post.id }))}
              />
            ) : null}
            {reschedulable ? (
              <Button size="xs" variant="default" onClick={() => openTimeForm('reschedule')}>
                Reschedule
              </Button>
            ) : null}
            {unschedulable ? (
              // Not destructive: the post keeps its time as a draft and can be scheduled again.
              <Button
                size="xs"
                variant="default"
                disabled={unschedule.isPending}
                onClick={() => run(() => unschedule.mutate({ postId: post.id }))}
              >
                {unschedule.isPending ? 'Unscheduling…' : 'Unschedule'}
              </Button>
            ) : null}
            {cancellable ? (
              <ConfirmButton
                label="Cancel"
                question="Cancel this post for every account that has not published it? This cannot be undone."
                confirmLabel="Yes, cancel it"
                pendingLabel="Cancelling…"
                pending={cancel.isPending}
                onConfirm={() => run(() => cancel.mutate({ postId: post.id }))}
              />
            ) : null}
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}

function noLongerReschedulable(statuses: TargetStatus[], kind: TimeForm['kind']): string {
  if (kind === 'schedule') {
    return statuses.includes('scheduled')
      ? 'This post was scheduled meanwhile: it is no longer a draft.'
      : 'This post has no drafts left to schedule.';
  }
  if (statuses.includes('publishing')) {
    return 'This post is publishing now, so its time can no longer be changed.';
  }
  if (statuses.includes('published')) {
    return 'This post has been published, so its time can no longer be changed.';
  }
  if (statuses.includes('draft')) {
    return 'This post was unscheduled meanwhile: it is a draft now.';
  }
  return 'This post can no longer be rescheduled.';
}

function TargetRow(props: {
  target: TargetView;
  clientId: string;
  timeZone: string;
  canWrite: boolean;
}) {
  const { target, clientId, timeZone, canWrite } = props;
  const utils = trpc.useUtils();
  const [markingPublished, setMarkingPublished] = useState(false);
  const refresh = { onSuccess: () => utils.posts.list.invalidate({ clientId }) };
  const retry = trpc.posts.retryTarget.useMutation(refresh);
  const markFailed = trpc.posts.resolveTarget.useMutation(refresh);
  const status = target.status;
  const account = target.socialAccount;
  const platform = PLATFORM_LABELS[account.platform];
  const retryable = canTarget(status, 'retry_by_hand');
  const resolvable = canTarget(status, 'confirm_published');
  const error = retry.error ?? markFailed.error;
  return (
    <Paper component="li" withBorder p="sm" radius="md" className="target" data-status={status}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="sm" fw={600} truncate>
            <Text span c="dimmed" size="sm" fw={500}>
              {platform}
            </Text>{' '}
            {account.handle}
          </Text>
          <StatusBadge status={status} />
        </Group>
        <Group component="dl" gap="lg" m={0} className="target-meta">
          <div>
            <Text component="dt" size="xs" c="dimmed">
              {status === 'draft' ? 'Proposed for' : 'Scheduled for'}
            </Text>
            <Text component="dd" size="sm" m={0}>
              <time dateTime={target.scheduledFor.toISOString()}>
                {formatInZone(target.scheduledFor, timeZone)}
              </time>
            </Text>
          </div>
          {target.publishedAt ? (
            <div>
              <Text component="dt" size="xs" c="dimmed">
                Published
              </Text>
              <Text component="dd" size="sm" m={0}>
                <time dateTime={target.publishedAt.toISOString()}>
                  {formatInZone(target.publishedAt, timeZone)}
                </time>
              </Text>
            </div>
          ) : null}
          <div>
            <Text component="dt" size="xs" c="dimmed">
              Attempts
            </Text>
            <Text component="dd" size="sm" m={0}>
              {target.attemptCount}
            </Text>
          </div>
        </Group>
        {status === 'failed' && target.hasFallbackPackage ? (
          <FallbackPackageLink targetId={target.id} />
        ) : null}
        {target.lastError ? (
          <Text size="sm" c="red" className="target-error">
            {target.lastError}
            {status === 'scheduled' && target.nextAttemptAt ? (
              <>
                {' '}
                Retrying at{' '}
                <time dateTime={target.nextAttemptAt.toISOString()}>
                  {formatInZone(target.nextAttemptAt, timeZone)}
                </time>
                .
              </>
            ) : null}
          </Text>
        ) : null}
        {target.whatToCheck ? (
          <Text size="sm" c="orange.8" className="what-to-check">
            {target.whatToCheck}
          </Text>
        ) : null}
        {status === 'published' && target.externalUrl ? (
          <Anchor size="sm" href={target.externalUrl} target="_blank" rel="noreferrer">
            View post
          </Anchor>
        ) : null}
        {error ? <ApiError error={error} /> : null}
        {canWrite && markingPublished && resolvable ? (
          <MarkPublishedForm
            targetId={target.id}
            clientId={clientId}
            platformLabel={platform}
            onDone={() => setMarkingPublished(false)}
          />
        ) : null}
        {canWrite && !markingPublished && (retryable || resolvable) ? (
          <Group gap="xs" className="target-actions">
            {retryable ? (
              <Button
                size="xs"
                disabled={retry.isPending}
                onClick={() => {
                  markFailed.reset();
                  retry.mutate({ targetId: target.id });
                }}
              >
                {retry.isPending ? 'Retrying…' : 'Retry'}
              </Button>
            ) : null}
            {resolvable ? (
              <>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => {
                    retry.reset();
                    markFailed.reset();
                    setMarkingPublished(true);
                  }}
                >
                  Mark as published
                </Button>
                <ConfirmButton
                  label="Mark as failed"
                  question={`Mark it failed? Only if the post is not on ${account.handle}: Herald will not try again on its own.`}
                  confirmLabel="Yes, it failed"
                  pendingLabel="Saving…"
                  pending={markFailed.isPending}
                  onConfirm={() => {
                    retry.reset();
                    markFailed.mutate({ targetId: target.id, resolution: 'failed' });
                  }}
                />
              </>
            ) : null}
          </Group>
        ) : null}
      </Stack>
    </Paper>
  );
}

/** The failed target's package (each platform's caption and the media) to post by hand. */
function FallbackPackageLink({ targetId }: { targetId: string }) {
  const utils = trpc.useUtils();
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setError(null);
    try {
      const { url } = await utils.media.fallbackPackageUrl.fetch({ targetId });
      window.location.assign(url);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }
  return (
    <Group gap="xs" className="fallback-package">
      <Button size="xs" variant="default" onClick={() => void download()}>
        Download to post by hand
      </Button>
      <Text span size="sm" c="dimmed">
        Caption and media in one zip.
      </Text>
      {error ? (
        <Text span size="sm" c="red" role="alert">
          {error}
        </Text>
      ) : null}
    </Group>
  );
}
