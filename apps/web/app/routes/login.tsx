import { attemptSignIn } from '@herald/core';
import { DEMO_LOGIN } from '@herald/db/seed';
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

const WRONG_CREDENTIALS = "That email and password don't match.";

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

export async function action({ request, context }: Route.ActionArgs) {
  const body = await readFormBody(request);
  if (!body.ok) {
    return data({ email: '', formError: body.message, fieldErrors: {} }, { status: body.status });
  }
  const form = Object.fromEntries(body.form);
  const parsed = LoginForm.safeParse(form);
  const email = typeof form.email === 'string' ? form.email : '';
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors;
    return data(
      {
        email,
        formError: null,
        fieldErrors: { email: fieldErrors.email?.[0], password: fieldErrors.password?.[0] },
      },
      { status: 400 },
    );
  }
  const result = await attemptSignIn(
    { db, log: (line) => console.warn(line) },
    {
      email: parsed.data.email,
      password: parsed.data.password,
      clientKey: clientAddress(
        request.headers,
        context.get(socketAddressContext),
        getEnv().TRUST_PROXY,
      ),
      previousToken: sessionToken(request),
    },
  );
  if (result.outcome === 'throttled') {
    return data(
      { email, formError: result.message, fieldErrors: {} },
      { status: 429, headers: { 'Retry-After': String(result.retryAfterSeconds) } },
    );
  }
  if (result.outcome === 'invalid') {
    return data({ email, formError: WRONG_CREDENTIALS, fieldErrors: {} }, { status: 400 });
  }
  return redirect(safeRedirect(parsed.data.redirectTo), {
    headers: { 'Set-Cookie': sessionCookie(result.token) },
  });
}

export default function Login({ loaderData, actionData }: Route.ComponentProps) {
  const submitting = useNavigation().state === 'submitting';
  const fieldErrors: { email?: string; password?: string } = actionData?.fieldErrors ?? {};
  return (
    <main className="centered">
      <div className="card narrow">
        <p className="wordmark" aria-hidden="true">
          Herald
        </p>
        <h1>Sign in</h1>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="redirectTo" value={loaderData.redirectTo} />
          {actionData?.formError ? (
            <p className="alert" role="alert">
              {actionData.formError}
            </p>
          ) : null}
          <div className="field">
            <label htmlFor="email">Email</label>
            <input
              id="email"
              name="email"
              type="email"
              autoComplete="email"
              required
              defaultValue={actionData?.email ?? ''}
              aria-invalid={fieldErrors.email ? true : undefined}
              aria-describedby={fieldErrors.email ? 'email-error' : undefined}
            />
            {fieldErrors.email ? (
              <p className="field-error" id="email-error">
                {fieldErrors.email}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={fieldErrors.password ? true : undefined}
              aria-describedby={fieldErrors.password ? 'password-error' : undefined}
            />
            {fieldErrors.password ? (
              <p className="field-error" id="password-error">
                {fieldErrors.password}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button primary" disabled={submitting}>
            {submitting ? 'Signing in…' : 'Sign in'}
          </button>
        </Form>
        <p className="hint">
          <Link to="/forgot-password">Forgot your password?</Link> ·{' '}
          <Link to="/signup">Create an account</Link>
        </p>
        {loaderData.demoLogin ? (
          <p className="hint">
            Demo: <code>{loaderData.demoLogin.email}</code> /{' '}
            <code>{loaderData.demoLogin.password}</code>
          </p>
        ) : null}
      </div>
    </main>
  );
}
