// Platform staff's queue page (docs/decisions/0023): failed and locked jobs, stuck targets, and
// the actions that repair them, each asking why. Anyone else gets the ordinary 404.
import { isPlatformStaff } from '@herald/core';
import { useId, useState, type FormEvent } from 'react';
import { data } from 'react-router';
import { ApiError } from '../components/api-error.tsx';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import { trpc } from '../lib/trpc.ts';
import type { Route } from './+types/_app.admin.queue';

export async function loader(args: Route.LoaderArgs) {
  const session = requireSession(args);
  if (!(await isPlatformStaff(db, session.userId))) throw data('Page not found', { status: 404 });
  return null;
}

export function meta() {
  return [{ title: 'Queue · Herald admin' }];
}

type Action =
  | { action: 'replay_job' | 'fail_job' | 'remove_job'; jobId: string }
  | { action: 'force_unlock_pool'; poolId: string }
  | { action: 'resolve_target'; targetId: string; resolution: 'failed' };

const LABELS: Record<Action['action'], string> = {
  replay_job: 'Replay now',
  fail_job: 'Mark failed',
  remove_job: 'Remove',
  force_unlock_pool: 'Force-unlock pool',
  resolve_target: 'Mark failed',
};

/** One action button that first asks why; the reason goes to the audit log. */
function ActionWithReason({ act, subject }: { act: Action; subject: string }) {
  const id = useId();
  const utils = trpc.useUtils();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const run = trpc.admin.act.useMutation({
    onSuccess: async () => {
      setOpen(false);
      setReason('');
      await utils.admin.invalidate();
    },
  });
  if (!open) {
    return (
      <button type="button" className="button-secondary" onClick={() => setOpen(true)}>
        {LABELS[act.action]}
      </button>
    );
  }
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run.mutate({ ...act, reason });
  }
  return (
    <form className="stack" aria-label={`${LABELS[act.action]}: ${subject}`} onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Why? (kept in the audit log)</label>
        <input
          id={`${id}-reason`}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
          minLength={5}
        />
      </div>
      {run.error ? <ApiError error={run.error} /> : null}
      <div className="actions">
        <button type="submit" disabled={run.isPending}>
          {LABELS[act.action]}
        </button>
        <button type="button" className="button-secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const when = (date: Date | string) => new Date(date).toISOString().slice(0, 19).replace('T', ' ');

export default function AdminQueue() {
  const overview = trpc.admin.overview.useQuery();
  const audit = trpc.admin.audit.useQuery();
  if (overview.error) return <ApiError error={overview.error} />;
  if (!overview.data) return <p aria-busy="true">Loading the queue…</p>;
  const { failedJobs, lockedJobs, stuckTargets } = overview.data;
  return (
    <div className="stack admin">
      <h1>Queue (platform staff)</h1>

      <section aria-labelledby="failed-jobs" className="stack">
        <h2 id="failed-jobs">Failed jobs ({failedJobs.length})</h2>
        {failedJobs.length === 0 ? <p>No failed jobs.</p> : null}
        <ul className="stack">
          {failedJobs.map((job) => (
            <li key={job.id} className="card stack" aria-label={`Job ${job.id}`}>
              <p>
                <strong>Job {job.id}</strong> · {job.task} · attempts {job.attempts}/
                {job.maxAttempts}
                {job.permanentlyFailed
                  ? ' · out of attempts'
                  : ` · next run ${when(job.runAt)} UTC`}
              </p>
              <p className="muted">{job.lastError}</p>
              <div className="actions">
                <ActionWithReason
                  act={{ action: 'replay_job', jobId: job.id }}
                  subject={`job ${job.id}`}
                />
                <ActionWithReason
                  act={{ action: 'fail_job', jobId: job.id }}
                  subject={`job ${job.id}`}
                />
                <ActionWithReason
                  act={{ action: 'remove_job', jobId: job.id }}
                  subject={`job ${job.id}`}
                />
              </div>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="locked-jobs" className="stack">
        <h2 id="locked-jobs">Locked jobs ({lockedJobs.length})</h2>
        {lockedJobs.length === 0 ? <p>No job is locked.</p> : null}
        <ul className="stack">
          {lockedJobs.map((job) => (
            <li key={job.id} className="card stack" aria-label={`Locked job ${job.id}`}>
              <p>
                <strong>Job {job.id}</strong> · {job.task} · locked by {job.lockedBy}
                {job.pool
                  ? ` on ${job.pool.host} (pid ${job.pool.pid}), last beat ${when(job.pool.lastBeatAt)} UTC · ${job.pool.alive ? 'alive' : 'silent'}`
                  : ' · no heartbeat known'}
              </p>
              {job.lockedBy && !job.pool?.alive ? (
                <ActionWithReason
                  act={{ action: 'force_unlock_pool', poolId: job.lockedBy }}
                  subject={`pool ${job.lockedBy}`}
                />
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="stuck-targets" className="stack">
        <h2 id="stuck-targets">
          Targets publishing, reconciling or unconfirmed ({stuckTargets.length})
        </h2>
        <ul className="stack">
          {stuckTargets.map((target) => (
            <li key={target.id} className="card stack">
              <p>
                <strong>{target.organization.name}</strong> · {target.socialAccount.handle} ·{' '}
                {target.status} since {when(target.updatedAt)} UTC
              </p>
              {target.lastError ? <p className="muted">{target.lastError}</p> : null}
              {target.status === 'unconfirmed' ? (
                <ActionWithReason
                  act={{ action: 'resolve_target', targetId: target.id, resolution: 'failed' }}
                  subject={`target ${target.id}`}
                />
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="audit" className="stack">
        <h2 id="audit">Audit log</h2>
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
