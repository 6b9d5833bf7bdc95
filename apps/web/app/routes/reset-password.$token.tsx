// The link from the reset mail: a new password, after which every session of the user ends.
import { resetPassword, resetTokenUsable } from '@herald/core';
import { PASSWORD_MIN_LENGTH } from '@herald/core/domain';
import { Alert, Anchor, Button, PasswordInput } from '@mantine/core';
import { data, Form, Link, useNavigation } from 'react-router';
import { AuthCard } from '../components/auth-card.tsx';
import { db } from '../lib/db.server.ts';
import { readFormBody } from '../lib/form-body.server.ts';
import { clearedSessionCookie } from '../lib/session.server.ts';
import type { Route } from './+types/reset-password.$token';

/** A form field's text; a file or a missing field is empty. */
const text = (value: FormDataEntryValue | null | undefined) =>
  typeof value === 'string' ? value : '';

export const meta: Route.MetaFunction = () => [{ title: 'Choose a new password · Herald' }];

// Never sent to other sites with the token in the address.
export const headers: Route.HeadersFunction = () => ({ 'Referrer-Policy': 'no-referrer' });

export async function loader({ params }: Route.LoaderArgs) {
  return { usable: await resetTokenUsable({ db }, params.token) };
}

export async function action({ request, params }: Route.ActionArgs) {
  const body = await readFormBody(request);
  if (!body.ok) return data({ done: false, error: body.message }, { status: body.status });
  const password = text(body.form.get('password'));
  const result = await resetPassword({ db }, { token: params.token, password });
  if (!result.ok) return data({ done: false, error: result.message }, { status: 400 });
  // Every session ended, this browser's too.
  return data({ done: true, error: null }, { headers: { 'Set-Cookie': clearedSessionCookie() } });
}

export default function ResetPassword({ loaderData, actionData }: Route.ComponentProps) {
  const submitting = useNavigation().state === 'submitting';
  if (actionData?.done) {
    return (
      <AuthCard title="Password changed">
        <Alert color="green" role="status">
          Your password is changed, and every device that was signed in is signed out.
        </Alert>
        <Anchor component={Link} to="/login">
          Sign in with your new password
        </Anchor>
      </AuthCard>
    );
  }
  if (!loaderData.usable) {
    return (
      <AuthCard title="This link does not work">
        <Alert color="yellow" role="alert">
          This reset link has expired or was already used. Ask for a new one.
        </Alert>
        <Anchor component={Link} to="/forgot-password">
          Ask for a new link
        </Anchor>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password">
      <Form method="post" noValidate>
        <PasswordInput
          label="New password"
          name="password"
          autoComplete="new-password"
          description={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          required
          error={actionData?.error ?? undefined}
          mb="md"
        />
        <Button type="submit" fullWidth loading={submitting}>
          Set the new password
        </Button>
      </Form>
    </AuthCard>
  );
}
