import { attemptSecondStep, attemptSignIn, type SignInDeps } from '@herald/core';
import { DEMO_LOGIN } from '@herald/db/seed';
import {
  Alert,
  Button,
  Center,
  Code,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { data, Form, Link, redirect, useNavigation } from 'react-router';
import { z } from 'zod';
import { getEnv } from '../env.server.ts';
import { clientAddress, socketAddressContext } from '../lib/client-address.ts';
import { db } from '../lib/db.server.ts';
import { readFormBody } from '../lib/form-body.server.ts';
import { safeRedirect } from '../lib/safe-redirect.ts';
import {
  sessionContext,
  sessionCookie,
  sessionMiddleware,
  sessionToken,
} from '../lib/session.server.ts';
import type { Route } from './+types/login';

const LoginForm = z.object({
  email: z.string().trim().pipe(z.email('Enter your email address')),
  password: z.string().min(1, 'Enter your password'),
  redirectTo: z.string().optional(),
});

const CodeForm = z.object({
  challenge: z.string().min(1).max(200),
  code: z.string().trim().min(1, 'Enter the code from your authenticator app').max(40),
  redirectTo: z.string().optional(),
});

const WRONG_CREDENTIALS = "That email and password don't match.";

type ActionData =
  | {
      step: 'password';
      email: string;
      formError: string | null;
      fieldErrors: { email?: string | undefined; password?: string | undefined };
    }
  | { step: 'code'; challenge: string; formError: string | null };

export const meta: Route.MetaFunction = () => [{ title: 'Sign in · Herald' }];

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

/** A page load takes its headers from here: a throttled sign-in must carry Retry-After. */
export const headers: Route.HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get('Retry-After');
  return retryAfter ? [['Retry-After', retryAfter]] : [];
};

export function loader({ request, context }: Route.LoaderArgs) {
  if (context.get(sessionContext)) {
    throw redirect(safeRedirect(new URL(request.url).searchParams.get('redirectTo')));
  }
  // The demo agency's password is public, but only where the demo agency is meant to exist.
  return {
    demoLogin: getEnv().SHOW_DEMO_LOGIN ? DEMO_LOGIN : null,
    // Checked here and rendered from loader data, so server and browser render the same value
    // and a refused redirect (another site) never reaches the page.
    redirectTo: safeRedirect(new URL(request.url).searchParams.get('redirectTo'), ''),
  };
}

function signInDeps(): SignInDeps {
  return { db, log: (line) => console.warn(line), tokenKey: getEnv().tokenKeys };
}

function passwordStep(
  email: string,
  formError: string | null,
  fieldErrors: { email?: string | undefined; password?: string | undefined } = {},
): ActionData {
  return { step: 'password', email, formError, fieldErrors };
}

function codeStep(challenge: string, formError: string | null): ActionData {
  return { step: 'code', challenge, formError };
}

export async function action({ request, context }: Route.ActionArgs) {
  const body = await readFormBody(request);
  if (!body.ok) return data(passwordStep('', body.message), { status: body.status });
  const form = Object.fromEntries(body.form);
  const client = clientAddress(
    request.headers,
    context.get(socketAddressContext),
    getEnv().TRUST_PROXY,
  );

  // The second step: the password was right, the code is owed. The challenge is no session.
  if (form.intent === 'code') {
    const parsed = CodeForm.safeParse(form);
    const challenge = typeof form.challenge === 'string' ? form.challenge : '';
    if (!parsed.success) {
      const message = z.flattenError(parsed.error).fieldErrors.code?.[0];
      return data(
        challenge
          ? codeStep(challenge, message ?? 'Enter the code.')
          : passwordStep('', 'Enter your email and password again.'),
        { status: 400 },
      );
    }
    const result = await attemptSecondStep(signInDeps(), {
      challengeToken: parsed.data.challenge,
      code: parsed.data.code,
      clientKey: client,
      previousToken: sessionToken(request),
    });
    if (result.outcome === 'signed_in') {
      return redirect(safeRedirect(parsed.data.redirectTo), {
        headers: { 'Set-Cookie': sessionCookie(result.token) },
      });
    }
    if (result.outcome === 'throttled') {
      return data(passwordStep('', result.message), {
        status: 429,
        headers: { 'Retry-After': String(result.retryAfterSeconds) },
      });
    }
    if (result.outcome === 'expired') {
      return data(passwordStep('', result.message), { status: 400 });
    }
    return data(codeStep(parsed.data.challenge, result.message), { status: 400 });
  }

  const parsed = LoginForm.safeParse(form);
  const email = typeof form.email === 'string' ? form.email : '';
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors;
    return data(
      passwordStep(email, null, {
        email: fieldErrors.email?.[0],
        password: fieldErrors.password?.[0],
      }),
      { status: 400 },
    );
  }
  const result = await attemptSignIn(signInDeps(), {
    email: parsed.data.email,
    password: parsed.data.password,
    clientKey: client,
    previousToken: sessionToken(request),
  });
  if (result.outcome === 'throttled') {
    return data(passwordStep(email, result.message), {
      status: 429,
      headers: { 'Retry-After': String(result.retryAfterSeconds) },
    });
  }
  if (result.outcome === 'invalid') {
    return data(passwordStep(email, WRONG_CREDENTIALS), { status: 400 });
  }
  if (result.outcome === 'second_step') {
    return data(codeStep(result.challengeToken, null));
  }
  return redirect(safeRedirect(parsed.data.redirectTo), {
    headers: { 'Set-Cookie': sessionCookie(result.token) },
  });
}

export default function Login({ loaderData, actionData }: Route.ComponentProps) {
  const submitting = useNavigation().state === 'submitting';
  const state = actionData;
  const password = state?.step === 'password' ? state : null;
  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <Stack gap="md">
          <Text fw={700} c="dimmed" aria-hidden="true">
            Herald
          </Text>
          {state?.step === 'code' ? (
            <CodeStep
              challenge={state.challenge}
              formError={state.formError}
              redirectTo={loaderData.redirectTo}
              submitting={submitting}
            />
          ) : (
            <PasswordStep
              email={password?.email ?? ''}
              formError={password?.formError ?? null}
              fieldErrors={password?.fieldErrors ?? {}}
              redirectTo={loaderData.redirectTo}
              submitting={submitting}
            />
          )}
          {loaderData.demoLogin && state?.step !== 'code' ? (
            <Text size="sm" c="dimmed">
              Demo: <Code>{loaderData.demoLogin.email}</Code> /{' '}
              <Code>{loaderData.demoLogin.password}</Code>
            </Text>
          ) : null}
        </Stack>
      </Paper>
    </Center>
  );
}

function PasswordStep(props: {
  email: string;
  formError: string | null;
  fieldErrors: { email?: string | undefined; password?: string | undefined };
  redirectTo: string;
  submitting: boolean;
}) {
  const { fieldErrors } = props;
  return (
    <>
      <Title order={1} size="h2">
        Sign in
      </Title>
      <Form method="post" noValidate>
        <Stack gap="sm">
          <input type="hidden" name="intent" value="password" />
          <input type="hidden" name="redirectTo" value={props.redirectTo} />
          {props.formError ? (
            <Alert color="red" role="alert">
              {props.formError}
            </Alert>
          ) : null}
          <TextInput
            id="email"
            name="email"
            type="email"
            label="Email"
            autoComplete="email"
            required
            defaultValue={props.email}
            error={fieldErrors.email}
          />
          <PasswordInput
            id="password"
            name="password"
            label="Password"
            autoComplete="current-password"
            required
            error={fieldErrors.password}
            // Mantine's own label ("Toggle password visibility") would make "Password" name two
            // controls for assistive technology (and for getByLabel).
            visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the characters' }}
          />
          <Button type="submit" loading={props.submitting}>
            Sign in
          </Button>
        </Stack>
      </Form>
      <Text size="sm">
        <Link to="/forgot-password">Forgot your password?</Link> ·{' '}
        <Link to="/signup">Create an account</Link>
      </Text>
    </>
  );
}

function CodeStep(props: {
  challenge: string;
  formError: string | null;
  redirectTo: string;
  submitting: boolean;
}) {
  return (
    <>
      <Title order={1} size="h2">
        Two-step sign-in
      </Title>
      <Text size="sm">
        Enter the six-digit code your authenticator app shows for Herald, or one of your recovery
        codes.
      </Text>
      <Form method="post" noValidate>
        <Stack gap="sm">
          <input type="hidden" name="intent" value="code" />
          <input type="hidden" name="challenge" value={props.challenge} />
          <input type="hidden" name="redirectTo" value={props.redirectTo} />
          {props.formError ? (
            <Alert color="red" role="alert">
              {props.formError}
            </Alert>
          ) : null}
          <TextInput
            id="code"
            name="code"
            label="Code"
            autoComplete="one-time-code"
            inputMode="text"
            autoFocus
            required
          />
          <Button type="submit" loading={props.submitting}>
            Verify
          </Button>
        </Stack>
      </Form>
    </>
  );
}
