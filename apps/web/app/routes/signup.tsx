// Sign-up: a new agency, its owner, and a session; the verification link goes by email.
import { signUp } from '@herald/core';
import { PASSWORD_MIN_LENGTH } from '@herald/core/domain';
import { Alert, Anchor, Button, PasswordInput, Text, TextInput } from '@mantine/core';
import { data, Form, Link, redirect, useNavigation } from 'react-router';
import { z } from 'zod';
import { AuthCard } from '../components/auth-card.tsx';
import { db } from '../lib/db.server.ts';
import { readFormBody } from '../lib/form-body.server.ts';
import { accountMail } from '../lib/mail.server.ts';
import { sessionContext, sessionCookie, sessionMiddleware } from '../lib/session.server.ts';
import type { Route } from './+types/signup';

const SignUpForm = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(200, 'Use at most 200 characters.'),
  email: z.string().trim().max(320).pipe(z.email('Enter your email address.')),
  password: z.string().min(1, 'Choose a password.'),
  agencyName: z
    .string()
    .trim()
    .min(1, 'Enter the name of your agency.')
    .max(200, 'Use at most 200 characters.'),
});
type Field = keyof z.infer<typeof SignUpForm>;

/** A form field's text; a file or a missing field is empty. */
const text = (value: FormDataEntryValue | null | undefined) =>
  typeof value === 'string' ? value : '';

export const meta: Route.MetaFunction = () => [{ title: 'Create an account · Herald' }];

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

export function loader({ context }: Route.LoaderArgs) {
  if (context.get(sessionContext)) throw redirect('/');
  return null;
}

export async function action({ request }: Route.ActionArgs) {
  const body = await readFormBody(request);
  if (!body.ok) {
    return data({ values: {}, formError: body.message, fieldErrors: {} }, { status: body.status });
  }
  const form = Object.fromEntries(body.form);
  // Everything typed comes back (but the password), so a mistake loses nothing.
  const values = {
    name: text(form.name),
    email: text(form.email),
    agencyName: text(form.agencyName),
  };
  const parsed = SignUpForm.safeParse(form);
  if (!parsed.success) {
    const errors = z.flattenError(parsed.error).fieldErrors;
    const fieldErrors: Partial<Record<Field, string>> = {};
    for (const key of Object.keys(errors) as Field[]) fieldErrors[key] = errors[key]?.[0];
    return data({ values, formError: null, fieldErrors }, { status: 400 });
  }
  const result = await signUp({ db, ...accountMail(request) }, parsed.data);
  if (!result.ok) {
    return data({ values, formError: null, fieldErrors: result.fieldErrors }, { status: 400 });
  }
  return redirect('/', { headers: { 'Set-Cookie': sessionCookie(result.token) } });
}

export default function SignUp({ actionData }: Route.ComponentProps) {
  const submitting = useNavigation().state === 'submitting';
  const errors: Partial<Record<Field, string>> = actionData?.fieldErrors ?? {};
  const values: Partial<Record<Field, string>> = actionData?.values ?? {};
  return (
    <AuthCard title="Create an account">
      <Form method="post" noValidate>
        {actionData?.formError ? (
          <Alert color="red" role="alert" mb="md">
            {actionData.formError}
          </Alert>
        ) : null}
        <TextInput
          label="Your name"
          name="name"
          autoComplete="name"
          required
          defaultValue={values.name}
          error={errors.name}
          mb="sm"
        />
        <TextInput
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={values.email}
          error={errors.email}
          mb="sm"
        />
        <PasswordInput
          label="Password"
          name="password"
          autoComplete="new-password"
          description={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          required
          error={errors.password}
          mb="sm"
        />
        <TextInput
          label="Agency name"
          name="agencyName"
          autoComplete="organization"
          required
          defaultValue={values.agencyName}
          error={errors.agencyName}
          mb="md"
        />
        <Button type="submit" fullWidth loading={submitting}>
          Create account
        </Button>
      </Form>
      <Text size="sm">
        Already have an account?{' '}
        <Anchor component={Link} to="/login">
          Sign in
        </Anchor>
      </Text>
    </AuthCard>
  );
}
