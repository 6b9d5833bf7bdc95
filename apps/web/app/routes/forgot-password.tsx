// Forgot password: the same answer whether or not the email has an account; limited per
// email and per address.
import { requestPasswordReset } from '@herald/core';
import { Alert, Anchor, Button, Text, TextInput } from '@mantine/core';
import { data, Form, Link, useNavigation } from 'react-router';
import { z } from 'zod';
import { AuthCard } from '../components/auth-card.tsx';
import { getEnv } from '../env.server.ts';
import { clientAddress, socketAddressContext } from '../lib/client-address.ts';
import { db } from '../lib/db.server.ts';
import { readFormBody } from '../lib/form-body.server.ts';
import { accountMail } from '../lib/mail.server.ts';
import type { Route } from './+types/forgot-password';

const ForgotForm = z.object({
  email: z.string().trim().max(320).pipe(z.email('Enter your email address.')),
});

/** A form field's text; a file or a missing field is empty. */
const text = (value: FormDataEntryValue | null | undefined) =>
  typeof value === 'string' ? value : '';

export const meta: Route.MetaFunction = () => [{ title: 'Reset your password · Herald' }];

export async function action({ request, context }: Route.ActionArgs) {
  const body = await readFormBody(request);
  if (!body.ok) {
    return data({ email: '', sent: false, error: body.message }, { status: body.status });
  }
  const email = text(body.form.get('email'));
  const parsed = ForgotForm.safeParse({ email });
  if (!parsed.success) {
    return data(
      { email, sent: false, error: z.flattenError(parsed.error).fieldErrors.email?.[0] ?? null },
      { status: 400 },
    );
  }
  const result = await requestPasswordReset(
    { db, ...accountMail(request) },
    {
      email: parsed.data.email,
      clientKey: clientAddress(
        request.headers,
        context.get(socketAddressContext),
        getEnv().TRUST_PROXY,
      ),
    },
  );
  if (result.outcome === 'throttled') {
    return data(
      { email, sent: false, error: result.message },
      { status: 429, headers: { 'Retry-After': String(result.retryAfterSeconds) } },
    );
  }
  // The mail goes out after the answer (result.sending), so timing tells nothing.
  return { email, sent: true, error: null };
}

export default function ForgotPassword({ actionData }: Route.ComponentProps) {
  const submitting = useNavigation().state === 'submitting';
  return (
    <AuthCard title="Reset your password">
      {actionData?.sent ? (
        <Alert color="green" role="status">
          If <strong>{actionData.email}</strong> has a Herald account, we have emailed it a link to
          choose a new password. The link works for one hour.
        </Alert>
      ) : (
        <Form method="post" noValidate>
          <Text size="sm" mb="sm">
            Enter your email address and we will send you a link to choose a new password.
          </Text>
          <TextInput
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={actionData?.email ?? ''}
            error={actionData?.error ?? undefined}
            mb="md"
          />
          <Button type="submit" fullWidth loading={submitting}>
            Send the link
          </Button>
        </Form>
      )}
      <Anchor component={Link} to="/login" size="sm">
        Back to sign in
      </Anchor>
    </AuthCard>
  );
}
