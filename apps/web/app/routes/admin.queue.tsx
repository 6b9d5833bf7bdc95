// Platform staff's queue page (docs/decisions/0023): failed and locked jobs, stuck targets, and
// the actions that repair them, each asking why. Anyone else gets the ordinary 404.
import { MIN_ADMIN_REASON_LENGTH } from '@herald/core/domain';
import { BarChart } from '@mantine/charts';
import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../components/api-error.tsx';
import { requireStaffPage } from '../lib/admin.server.ts';
import { trpc } from '../lib/trpc.ts';
import type { Route } from './+types/admin.queue';

export async function loader(args: Route.LoaderArgs) {
  // The layout checks too; loaders run in parallel, so each one checks for itself.
  await requireStaffPage(args);
  return null;
}

export function meta() {
  return [{ title: 'Queue · Herald admin' }];
}

type Action =
  | { action: 'replay_job' | 'fail_job' | 'remove_job'; jobId: string }
  | { action: 'force_unlock_pool'; poolId: string }
  | { action: 'resolve_target'; targetId: string; resolution: 'published' | 'failed' };

/** What the action does, said before anyone confirms it. */
function consequenceOf(act: Action): string {
  switch (act.action) {
    case 'replay_job':
      return 'The job runs again now, with a fresh set of attempts.';
    case 'fail_job':
      return 'The job stops retrying and stays listed as permanently failed, with your reason as its last error.';
    case 'remove_job':
      return 'The job is deleted from the queue. Nothing runs it again.';
    case 'force_unlock_pool':
      return "Every job this pool holds becomes runnable by another worker. Only if the pool is really gone: a live pool's jobs could run twice.";
    case 'resolve_target':
      return act.resolution === 'published'
        ? 'The target is settled as published, with the link you give. Herald will not publish it again.'
        : 'The target is settled as failed. Herald will not try again on its own.';
  }
}

function labelOf(act: Action): string {
  switch (act.action) {
    case 'replay_job':
      return 'Replay now';
    case 'fail_job':
      return 'Mark permanently failed';
    case 'remove_job':
      return 'Remove';
    case 'force_unlock_pool':
      return 'Force-unlock pool';
    case 'resolve_target':
      return act.resolution === 'published' ? 'Mark published' : 'Mark failed';
  }
}

/** One action button that opens a dialog asking why (and for a link, to mark a target published). */
function ActionWithReason({ act, subject }: { act: Action; subject: string }) {
  const utils = trpc.useUtils();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [url, setUrl] = useState('');
  const label = labelOf(act);
  const asksForLink = act.action === 'resolve_target' && act.resolution === 'published';
  const destructive = act.action !== 'replay_job';
  const run = trpc.admin.act.useMutation({
    onSuccess: async () => {
      setOpen(false);
      setReason('');
      setUrl('');
      await utils.admin.invalidate();
    },
  });
  function close() {
    setOpen(false);
    run.reset();
  }
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (act.action === 'resolve_target' && act.resolution === 'published') {
      run.mutate({ ...act, resolution: 'published', url, reason });
    } else if (act.action === 'resolve_target') {
      run.mutate({ ...act, resolution: 'failed', reason });
    } else {
      run.mutate({ ...act, reason });
    }
  }
  const tooShort = reason.trim().length < MIN_ADMIN_REASON_LENGTH;
  return (
    <>
      <Button
        size="xs"
        variant={destructive ? 'default' : 'light'}
        color={act.action === 'remove_job' ? 'red' : undefined}
        onClick={() => setOpen(true)}
      >
        {label}
      </Button>
      <Modal opened={open} onClose={close} title={`${label}: ${subject}`} centered>
        <form aria-label={`${label}: ${subject}`} onSubmit={submit}>
          <Stack gap="sm">
            <Text size="sm">{consequenceOf(act)}</Text>
            {asksForLink ? (
              <TextInput
                label="Link to the post on the platform"
                type="url"
                value={url}
                onChange={(e) => setUrl(e.currentTarget.value)}
                required
              />
            ) : null}
            <TextInput
              label="Why? (kept in the audit log)"
              description={`At least ${MIN_ADMIN_REASON_LENGTH} characters; other staff read it later.`}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              required
              minLength={MIN_ADMIN_REASON_LENGTH}
              data-autofocus
            />
            {run.error ? <ApiError error={run.error} /> : null}
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button
                type="submit"
                color={act.action === 'remove_job' ? 'red' : undefined}
                loading={run.isPending}
                disabled={tooShort}
              >
                {label}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

const when = (date: Date | string) => new Date(date).toISOString().slice(0, 19).replace('T', ' ');

function age(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} days`;
}

const STATUS_COLORS = { healthy: 'green', degraded: 'orange', unhealthy: 'red' } as const;

function Stat(props: { label: string; value: ReactNode; hint?: ReactNode; alarm?: boolean }) {
  return (
    <Paper withBorder p="md" role="group" aria-label={props.label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {props.label}
      </Text>
      <Text fz={26} fw={700} c={props.alarm ? 'red' : undefined} lh={1.3}>
        {props.value}
      </Text>
      {props.hint ? (
        <Text size="xs" c="dimmed">
          {props.hint}
        </Text>
      ) : null}
    </Paper>
  );
}

/** Pending, processing, failed, throughput, success and timing, the hours' chart and last errors. */
function QueueHealth() {
  const health = trpc.admin.health.useQuery(undefined, { refetchInterval: 15_000 });
  if (health.error) return <ApiError error={health.error} prefix="Could not measure the queue: " />;
  if (!health.data) return <Text c="dimmed">Measuring the queue…</Text>;
  const { status, reasons, counts, performance, successRate, jobsPerMinute, history, lastIssues } =
    health.data;
  const chart = history.map((bucket) => ({
    hour: `${new Date(bucket.start).toISOString().slice(11, 16)}`,
    Succeeded: bucket.succeeded,
    Failed: bucket.failed,
  }));
  return (
    <Stack gap="md" component="section" aria-labelledby="health-heading">
      <Group gap="sm">
        <Title order={2} size="h3" id="health-heading">
          Health
        </Title>
        <Badge color={STATUS_COLORS[status]} variant="filled" size="lg" role="status">
          {status}
        </Badge>
      </Group>
      {reasons.length > 0 ? (
        <Alert color={STATUS_COLORS[status]} variant="light">
          <Stack gap={4}>
            {reasons.map((reason) => (
              <Text key={reason} size="sm">
                {reason}
              </Text>
            ))}
          </Stack>
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
        <Stat
          label="Pending"
          value={counts.pending}
          hint={counts.overdue > 0 ? `${counts.overdue} overdue` : 'none overdue'}
          alarm={counts.overdue > 0}
        />
        <Stat label="Processing" value={counts.processing} hint="on a platform now" />
        <Stat
          label="Failed"
          value={counts.failed}
          hint={`${counts.unconfirmed} need a check`}
          alarm={counts.failed > 0}
        />
        <Stat label="Jobs/min" value={jobsPerMinute.toFixed(1)} hint="last hour" />
        <Stat
          label="Success"
          value={successRate === null ? '–' : `${Math.round(successRate * 100)}%`}
          hint={`${performance.succeeded}/${performance.finished} attempts, last hour`}
        />
        <Stat
          label="Average time"
          value={
            performance.averageSeconds === null ? '–' : `${performance.averageSeconds.toFixed(1)} s`
          }
          hint="per attempt, last hour"
        />
      </SimpleGrid>
      <Paper withBorder p="md" component="figure" m={0}>
        <Text component="figcaption" size="sm" fw={600} mb="sm">
          Publish attempts per hour, last {history.length} hours (UTC)
        </Text>
        <BarChart
          h={220}
          data={chart}
          dataKey="hour"
          type="stacked"
          series={[
            { name: 'Succeeded', color: 'teal.6' },
            { name: 'Failed', color: 'red.6' },
          ]}
          withLegend
          tickLine="y"
          gridAxis="y"
        />
      </Paper>
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="xs" id="last-errors">
          Last errors
        </Title>
        {lastIssues.length === 0 ? (
          <Text size="sm" c="dimmed">
            No publishing errors.
          </Text>
        ) : (
          <Stack component="ul" gap={6} aria-labelledby="last-errors" style={UNSTYLED_LIST}>
            {lastIssues.map((issue) => (
              <Text component="li" size="sm" key={`${issue.targetId}-${String(issue.at)}`}>
                <Text span c="dimmed" size="sm">
                  {issue.at ? `${when(issue.at)} UTC` : 'unfinished'}
                </Text>{' '}
                · {issue.organization} · {issue.account.platform} {issue.account.handle} ·{' '}
                <Badge size="xs" color="red" variant="light" tt="none">
                  {issue.outcome}
                </Badge>{' '}
                {issue.message}
              </Text>
            ))}
          </Stack>
        )}
      </Paper>
    </Stack>
  );
}

const UNSTYLED_LIST = { listStyle: 'none', margin: 0, padding: 0 } as const;

function Section(props: { id: string; title: string; empty: string | null; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={props.id}>
      <Title order={2} size="h4" id={props.id} mb="sm">
        {props.title}
      </Title>
      {props.empty ? (
        <Text size="sm" c="dimmed">
          {props.empty}
        </Text>
      ) : (
        props.children
      )}
    </Paper>
  );
}

export default function AdminQueue() {
  const overview = trpc.admin.overview.useQuery();
  const audit = trpc.admin.audit.useQuery();
  const utils = trpc.useUtils();
  if (overview.error) return <ApiError error={overview.error} />;
  if (!overview.data) return <p aria-busy="true">Loading the queue…</p>;
  const { failedJobs, lockedJobs, stuckTargets } = overview.data;
  return (
    <Stack gap="lg" maw={1200} mx="auto">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Queue (platform staff)
        </Title>
        <Button variant="default" size="xs" onClick={() => void utils.admin.invalidate()}>
          Refresh
        </Button>
      </Group>

      <QueueHealth />

      <Section
        id="failed-jobs"
        title={`Failed jobs (${failedJobs.length})`}
        empty={failedJobs.length === 0 ? 'No failed jobs.' : null}
      >
        <Stack component="ul" gap="sm" style={UNSTYLED_LIST}>
          {failedJobs.map((job) => (
            <Paper
              key={job.id}
              component="li"
              withBorder
              p="sm"
              aria-label={`Job ${job.id}`}
              bg="var(--mantine-color-default-hover)"
            >
              <Stack gap={6}>
                <Group gap="xs">
                  <Text fw={600}>Job {job.id}</Text>
                  <Code>{job.task}</Code>
                  <Text size="sm" c="dimmed">
                    attempts {job.attempts}/{job.maxAttempts}
                  </Text>
                  <Badge
                    size="sm"
                    tt="none"
                    color={job.permanentlyFailed ? 'red' : 'orange'}
                    variant="light"
                  >
                    {job.permanentlyFailed
                      ? 'permanently failed'
                      : `retrying, next run ${when(job.runAt)} UTC`}
                  </Badge>
                </Group>
                <Text size="sm" c="red" style={{ overflowWrap: 'anywhere' }}>
                  {job.lastError}
                </Text>
                <Group gap="xs">
                  <ActionWithReason
                    act={{ action: 'replay_job', jobId: job.id }}
                    subject={`job ${job.id}`}
                  />
                  {job.permanentlyFailed ? null : (
                    <ActionWithReason
                      act={{ action: 'fail_job', jobId: job.id }}
                      subject={`job ${job.id}`}
                    />
                  )}
                  <ActionWithReason
                    act={{ action: 'remove_job', jobId: job.id }}
                    subject={`job ${job.id}`}
                  />
                </Group>
              </Stack>
            </Paper>
          ))}
        </Stack>
      </Section>

      <Section
        id="locked-jobs"
        title={`Locked jobs (${lockedJobs.length})`}
        empty={lockedJobs.length === 0 ? 'No job is locked.' : null}
      >
        <Stack component="ul" gap="sm" style={UNSTYLED_LIST}>
          {lockedJobs.map((job) => (
            <Paper
              key={job.id}
              component="li"
              withBorder
              p="sm"
              aria-label={`Locked job ${job.id}`}
            >
              <Stack gap={6}>
                <Text size="sm">
                  <strong>Job {job.id}</strong> · {job.task} · locked {when(job.lockedAt!)} UTC by
                  pool {job.lockedBy}
                  {job.pool.host ? ` on ${job.pool.host} (pid ${job.pool.pid})` : ''} · heartbeat{' '}
                  {job.pool.liveness === 'unknown'
                    ? 'unknown'
                    : `${job.pool.liveness}, ${age(job.pool.beatAgeSeconds ?? 0)} ago`}
                </Text>
                {job.lockedBy && job.pool.liveness !== 'alive' ? (
                  <Group gap="xs">
                    <ActionWithReason
                      act={{ action: 'force_unlock_pool', poolId: job.lockedBy }}
                      subject={`pool ${job.lockedBy}`}
                    />
                  </Group>
                ) : null}
              </Stack>
            </Paper>
          ))}
        </Stack>
      </Section>

      <Section
        id="stuck-targets"
        title={`Targets publishing, reconciling or unconfirmed (${stuckTargets.length})`}
        empty={stuckTargets.length === 0 ? 'No target is stuck.' : null}
      >
        <Stack component="ul" gap="sm" style={UNSTYLED_LIST}>
          {stuckTargets.map((target) => (
            <Paper
              key={target.id}
              component="li"
              withBorder
              p="sm"
              aria-label={`Target ${target.id}`}
            >
              <Stack gap={6}>
                <Text size="sm">
                  <strong>{target.organization.name}</strong> · {target.socialAccount.platform}{' '}
                  {target.socialAccount.handle} · “{target.caption}” · {target.status} for{' '}
                  {age(target.ageSeconds)}
                </Text>
                <Text size="xs" c="dimmed">
                  post {target.postId} · target {target.id}
                  {target.lastError ? ` · ${target.lastError}` : ''}
                </Text>
                {target.status === 'unconfirmed' ? (
                  <Group gap="xs">
                    <ActionWithReason
                      act={{
                        action: 'resolve_target',
                        targetId: target.id,
                        resolution: 'published',
                      }}
                      subject={`target ${target.id}`}
                    />
                    <ActionWithReason
                      act={{ action: 'resolve_target', targetId: target.id, resolution: 'failed' }}
                      subject={`target ${target.id}`}
                    />
                  </Group>
                ) : null}
              </Stack>
            </Paper>
          ))}
        </Stack>
      </Section>

      <Section id="audit" title="Audit log" empty={null}>
        {audit.error ? <ApiError error={audit.error} /> : null}
        <Stack component="ul" gap={4} aria-label="Audit log" style={UNSTYLED_LIST}>
          {(audit.data ?? []).map((event) => (
            <Text component="li" size="sm" key={event.id}>
              <Text span c="dimmed" size="sm">
                {when(event.createdAt)} UTC
              </Text>{' '}
              · {event.actor.email} · {event.action} {event.subjectType} {event.subjectId} · “
              {event.reason}”
            </Text>
          ))}
        </Stack>
      </Section>
    </Stack>
  );
}
