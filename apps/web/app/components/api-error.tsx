import type { AppRouter } from '@herald/api';
import { Alert, Anchor } from '@mantine/core';
import type { TRPCClientErrorLike } from '@trpc/client';
import { Link, useLocation } from 'react-router';
import { summarizeError } from '../lib/trpc-errors.ts';

interface Props {
  error: TRPCClientErrorLike<AppRouter>;
  /** Says what failed, e.g. "Could not load posts: ". */
  prefix?: string;
}

/**
 * A failed call as a person should read it. A session that ended while the tab was open
 * (signed out elsewhere, expired) gets a way back in, to this same page.
 */
export function ApiError({ error, prefix = '' }: Props) {
  const location = useLocation();
  if (error.data?.code === 'UNAUTHORIZED') {
    const redirectTo = `${location.pathname}${location.search}`;
    return (
      <Alert color="orange" variant="light" role="alert" p="sm">
        Your session has ended.{' '}
        <Anchor component={Link} to={`/login?${new URLSearchParams({ redirectTo })}`} inherit>
          Sign in to continue.
        </Anchor>
      </Alert>
    );
  }
  return (
    <Alert color="red" variant="light" role="alert" p="sm">
      {prefix}
      {summarizeError(error).message}
    </Alert>
  );
}
