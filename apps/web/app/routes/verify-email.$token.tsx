// The link from the verification mail: confirms the address once, then says so.
import { verifyEmail } from '@herald/core';
import { Alert, Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { AuthCard } from '../components/auth-card.tsx';
import { db } from '../lib/db.server.ts';
import type { Route } from './+types/verify-email.$token';

export const meta: Route.MetaFunction = () => [{ title: 'Confirm your email · Herald' }];

// A GET that changes state: mail scanners that prefetch links could use the token up, but the
// only effect is the one the person wanted (the address is confirmed), so that is harmless.
export async function loader({ params }: Route.LoaderArgs) {
  return verifyEmail({ db }, params.token);
}

export default function VerifyEmail({ loaderData }: Route.ComponentProps) {
  return (
    <AuthCard title={loaderData.ok ? 'Email confirmed' : 'This link does not work'}>
      {loaderData.ok ? (
        <Text>
          Thank you: <strong>{loaderData.email}</strong> is confirmed.
        </Text>
      ) : (
        <Alert color="yellow" role="alert">
          {loaderData.message}
        </Alert>
      )}
      <Anchor component={Link} to="/">
        Go to Herald
      </Anchor>
    </AuthCard>
  );
}
