import type { AppRouter } from '@herald/api';
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
      <p className="alert" role="alert">
        Your session has ended.{' '}
        <Link to={`/login?${new URLSearchParams({ redirectTo })}`}>Sign in to continue.</Link>
      </p>
    );
  }
  return (
    <p className="alert" role="alert">
      {prefix}
      {summarizeError(error).message}
    </p>
  );
}
