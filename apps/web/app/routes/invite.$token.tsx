// The link from an invitation mail. A person with an account signs in (as the invited email)
// and joins; a new person chooses a name and a password and joins, their email verified by
// the link itself.
import { acceptInvitation, describeInvitation, INVITATION_GONE, signOut } from '@herald/core';
import { PASSWORD_MIN_LENGTH } from '@herald/core/domain';
import { Alert, Anchor, Button, PasswordInput, Text, TextInput } from '@mantine/core';
import { data, Form, Link, redirect, useNavigation } from 'react-router';
import { AuthCard } from '../components/auth-card.tsx';
import { db } from '../lib/db.server.ts';
import { readFormBody } from '../lib/form-body.server.ts';
import {
  sessionContext,
  sessionCookie,
  sessionMiddleware,
  sessionToken,
} from '../lib/session.server.ts';
import type { Route } from './+types/invite.$token';

/** A form field's text; a file or a missing field is empty. */
const text = (value: FormDataEntryValue | null | undefined) =>
  typeof value === 'string' ? value : '';

export const meta: Route.MetaFunction = () => [{ title: 'Join a team · Herald' }];

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

export const headers: Route.HeadersFunction = () => ({ 'Referrer-Policy': 'no-referrer' });

export async function loader({ params, context }: Route.LoaderArgs) {
  const invitation = await describeInvitation({ db }, params.token);
  const session = context.get(sessionContext);
  return { invitation, gone: INVITATION_GONE, signedInAs: session?.user.email ?? null };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const body = await readFormBody(request);
  if (!body.ok)
    return data({ field: 'form', message: body.message, name: '' }, { status: body.status });
  const session = context.get(sessionContext);
  const name = text(body.form.get('name'));
  const result =
    body.form.get('intent') === 'join' && session
      ? await acceptInvitation({ db }, { token: params.token, userId: session.userId })
      : await acceptInvitation(
          { db },
          { token: params.token, name, password: text(body.form.get('password')) },
        );
  if (!result.ok)
    return data({ field: result.field, message: result.message, name }, { status: 400 });
  // The new session is in the organization just joined; the one this browser held ends.
  const previous = sessionToken(request);
  if (previous) await signOut(db, previous);
  return redirect('/', { headers: { 'Set-Cookie': sessionCookie(result.token) } });
}

export default function Invite({ loaderData, actionData, params }: Route.ComponentProps) {
  const submitting = useNavigation().state === 'submitting';
  const { invitation, gone, signedInAs } = loaderData;
  if (!invitation) {
    return (
      <AuthCard title="This invitation does not work">
        <Alert color="yellow" role="alert">
          {gone}
        </Alert>
      </AuthCard>
    );
  }
  const formError =
    actionData && actionData.field !== 'name' && actionData.field !== 'password' ? (
      <Alert color="red" role="alert">
        {actionData.message}
      </Alert>
    ) : null;
  const intro = (
    <Text>
      You are invited to join <strong>{invitation.organizationName}</strong> as{' '}
      {invitation.roleLabel}, with <strong>{invitation.email}</strong>.
    </Text>
  );
  if (invitation.hasAccount) {
    const loginTo = `/login?${new URLSearchParams({ redirectTo: `/invite/${params.token}` })}`;
    return (
      <AuthCard title={`Join ${invitation.organizationName}`}>
        {intro}
        {formError}
        {signedInAs === invitation.email ? (
          <Form method="post">
            <input type="hidden" name="intent" value="join" />
            <Button type="submit" fullWidth loading={submitting}>
              Join {invitation.organizationName}
            </Button>
          </Form>
        ) : signedInAs ? (
          <Alert color="yellow" role="alert">
            You are signed in as {signedInAs}. Sign out, then sign in as {invitation.email} to
            accept.
          </Alert>
        ) : (
          <Button component={Link} to={loginTo} fullWidth>
            Sign in to accept
          </Button>
        )}
      </AuthCard>
    );
  }
  return (
    <AuthCard title={`Join ${invitation.organizationName}`}>
      {intro}
      {formError}
      <Form method="post" noValidate>
        <TextInput
          label="Your name"
          name="name"
          autoComplete="name"
          required
          defaultValue={actionData?.name ?? ''}
          error={actionData?.field === 'name' ? actionData.message : undefined}
          mb="sm"
        />
        <PasswordInput
          label="Password"
          name="password"
          autoComplete="new-password"
          description={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          required
          error={actionData?.field === 'password' ? actionData.message : undefined}
          mb="md"
        />
        <Button type="submit" fullWidth loading={submitting}>
          Join {invitation.organizationName}
        </Button>
      </Form>
      <Anchor component={Link} to="/login" size="sm">
        Sign in instead
      </Anchor>
    </AuthCard>
  );
}
