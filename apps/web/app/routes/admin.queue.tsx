// Platform staff's queue page (docs/decisions/0023): failed and locked jobs, stuck targets, and
// the actions that repair them, each asking why. Anyone else gets the ordinary 404.
import { MIN_ADMIN_REASON_LENGTH } from '@herald/core/domain';
import { useId, useState, type FormEvent } from 'react';
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

/** One action button that first asks why (and for a link, to mark a target published). */
function ActionWithReason({ act, subject }: { act: Action; subject: string }) {
  const id = useId();
  const utils = trpc.useUtils();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [url, setUrl] = useState('');
  const label = labelOf(act);
  const asksForLink = act.action === 'resolve_target' && act.resolution === 'published';
  const run = trpc.admin.act.useMutation({
    onSuccess: async () => {
      setOpen(false);
      setReason('');
      setUrl('');
      await utils.admin.invalidate();
    },
  });
  if (!open) {
    return (
      <button type="button" className="button subtle small" onClick={() => setOpen(true)}>
        {label}
      </button>
    );
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
  return (
    <form className="stack" aria-label={`${label}: ${subject}`} onSubmit={submit}>
      {asksForLink ? (
        <div className="field">
          <label htmlFor={`${id}-url`}>Link to the post on the platform</label>
          <input
            id={`${id}-url`}
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            required
          />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-reason`}>Why? (kept in the audit log)</label>
        <input
          id={`${id}-reason`}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
          minLength={MIN_ADMIN_REASON_LENGTH}
        />
      </div>
      {run.error ? <ApiError error={run.error} /> : null}
      <div className="row">
        <button type="submit" className="button primary small" disabled={run.isPending}>
          {label}
        </button>
        <button type="button" className="button subtle small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const when = (date: Date | string) => new Date(date).toISOString().slice(0, 19).replace('T', ' ');

function age(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} days`;
}

export default function AdminQueue() {
  const overview = trpc.admin.overview.useQuery();
  const audit = trpc.admin.audit.useQuery();
  if (overview.error) return <ApiError error={overview.error} />;
  if (!overview.data) return <p aria-busy="true">Loading the queue…</p>;
  const { failedJobs, lockedJobs, stuckTargets } = overview.data;
  return (
    <div className="stack">
      <div className="page-header">
        <h1>Queue (platform staff)</h1>
        <button
          type="button"
          className="button subtle small"
          onClick={() => void overview.refetch()}
        >
          Refresh
        </button>
      </div>

      <section aria-labelledby="failed-jobs" className="card stack">
        <h2 id="failed-jobs">Failed jobs ({failedJobs.length})</h2>
        {failedJobs.length === 0 ? <p className="muted">No failed jobs.</p> : null}
        <ul className="stack">
          {failedJobs.map((job) => (
            <li key={job.id} className="stack" aria-label={`Job ${job.id}`}>
              <p>
                <strong>Job {job.id}</strong> · {job.task} · attempts {job.attempts}/
                {job.maxAttempts} ·{' '}
                {job.permanentlyFailed
                  ? 'permanently failed'
                  : `retrying, next run ${when(job.runAt)} UTC`}
              </p>
              <p className="muted">{job.lastError}</p>
              <div className="row">
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
              </div>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="locked-jobs" className="card stack">
        <h2 id="locked-jobs">Locked jobs ({lockedJobs.length})</h2>
        {lockedJobs.length === 0 ? <p className="muted">No job is locked.</p> : null}
        <ul className="stack">
          {lockedJobs.map((job) => (
            <li key={job.id} className="stack" aria-label={`Locked job ${job.id}`}>
              <p>
                <strong>Job {job.id}</strong> · {job.task} · locked {when(job.lockedAt!)} UTC by
                pool {job.lockedBy}
                {job.pool.host ? ` on ${job.pool.host} (pid ${job.pool.pid})` : ''} · heartbeat{' '}
                {job.pool.liveness === 'unknown'
                  ? 'unknown'
                  : `${job.pool.liveness}, ${age(job.pool.beatAgeSeconds ?? 0)} ago`}
              </p>
              {job.lockedBy && job.pool.liveness !== 'alive' ? (
                <div className="row">
                  <ActionWithReason
                    act={{ action: 'force_unlock_pool', poolId: job.lockedBy }}
                    subject={`pool ${job.lockedBy}`}
                  />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="stuck-targets" className="card stack">
        <h2 id="stuck-targets">
          Targets publishing, reconciling or unconfirmed ({stuckTargets.length})
        </h2>
        {stuckTargets.length === 0 ? <p className="muted">No target is stuck.</p> : null}
        <ul className="stack">
          {stuckTargets.map((target) => (
            <li key={target.id} className="stack" aria-label={`Target ${target.id}`}>
              <p>
                <strong>{target.organization.name}</strong> · {target.socialAccount.platform}{' '}
                {target.socialAccount.handle} · “{target.caption}” · {target.status} for{' '}
                {age(target.ageSeconds)}
              </p>
              <p className="muted">
                post {target.postId} · target {target.id}
                {target.lastError ? ` · ${target.lastError}` : ''}
              </p>
              {target.status === 'unconfirmed' ? (
                <div className="row">
                  <ActionWithReason
                    act={{ action: 'resolve_target', targetId: target.id, resolution: 'published' }}
                    subject={`target ${target.id}`}
                  />
                  <ActionWithReason
                    act={{ action: 'resolve_target', targetId: target.id, resolution: 'failed' }}
                    subject={`target ${target.id}`}
                  />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="audit" className="card stack">
        <h2 id="audit">Audit log</h2>
        {audit.error ? <ApiError error={audit.error} /> : null}
        <ul className="stack" aria-label="Audit log">
          {(audit.data ?? []).map((event) => (
            <li key={event.id}>
              {when(event.createdAt)} UTC · {event.actor.email} · {event.action} {event.subjectType}{' '}
              {event.subjectId} · “{event.reason}”
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
