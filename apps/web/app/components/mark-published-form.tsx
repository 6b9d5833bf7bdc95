import { useId, useState, type FormEvent } from 'react';
import { postLinkProblem } from '../lib/post-link.ts';
import { trpc } from '../lib/trpc.ts';
import { summarizeError } from '../lib/trpc-errors.ts';
import { ApiError } from './api-error.tsx';

interface Props {
  targetId: string;
  clientId: string;
  /** e.g. "Facebook", for the field's help. */
  platformLabel: string;
  onDone: () => void;
}

/** A person found the post on the platform: the target is settled as published, with its link. */
export function MarkPublishedForm({ targetId, clientId, platformLabel, onDone }: Props) {
  const id = useId();
  const utils = trpc.useUtils();
  const [url, setUrl] = useState('');
  const [attempted, setAttempted] = useState(false);
  const resolve = trpc.posts.resolveTarget.useMutation({
    onSuccess: async () => {
      await utils.posts.list.invalidate({ clientId });
      onDone();
    },
  });
  const serverField = resolve.error ? summarizeError(resolve.error).fieldErrors.url?.[0] : null;
  const problem = attempted ? postLinkProblem(url) : null;
  const fieldError = problem ?? serverField;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setAttempted(true);
    if (postLinkProblem(url)) return;
    resolve.mutate({ targetId, resolution: 'published', url: url.trim() });
  }

  return (
    <form className="reschedule stack" aria-label="Mark as published" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-url`}>Link to the post on {platformLabel}</label>
        <input
          id={`${id}-url`}
          type="url"
          inputMode="url"
          placeholder="https://"
          value={url}
          onChange={(e) => {
            setUrl(e.target.value);
            if (resolve.error) resolve.reset();
          }}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? `${id}-url-error` : undefined}
        />
        {fieldError ? (
          <p className="field-error" id={`${id}-url-error`}>
            {fieldError}
          </p>
        ) : null}
      </div>
      {resolve.error && !serverField ? <ApiError error={resolve.error} /> : null}
      <div className="row">
        <button type="submit" className="button primary small" disabled={resolve.isPending}>
          {resolve.isPending ? 'Saving…' : 'Mark as published'}
        </button>
        <button type="button" className="button subtle small" onClick={onDone}>
          Not now
        </button>
      </div>
    </form>
  );
}
