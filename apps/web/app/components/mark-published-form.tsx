import { Button, Group, Stack, TextInput } from '@mantine/core';
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
    <form aria-label="Mark as published" onSubmit={submit} noValidate>
      <Stack gap="sm" p="sm" bg="var(--mantine-color-default-hover)" bdrs="md">
        <TextInput
          id={`${id}-url`}
          label={`Link to the post on ${platformLabel}`}
          type="url"
          inputMode="url"
          placeholder="https://"
          value={url}
          onChange={(e) => {
            setUrl(e.currentTarget.value);
            if (resolve.error) resolve.reset();
          }}
          error={fieldError ?? undefined}
        />
        {resolve.error && !serverField ? <ApiError error={resolve.error} /> : null}
        <Group gap="xs">
          <Button type="submit" size="xs" loading={resolve.isPending}>
            Mark as published
          </Button>
          <Button type="button" size="xs" variant="default" onClick={onDone}>
            Not now
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
