// The signed-in person's own settings: profile, password, two-step sign-in; and, for owners,
// whether the organization requires two-step sign-in. Everything here acts on the session's
// own user and organization, never on an id sent by the browser.
import {
  beginTwoFactorEnrollment,
  changePassword,
  ConflictError,
  confirmTwoFactorEnrollment,
  disableTwoFactor,
  ForbiddenError,
  InvalidInputError,
  setTwoFactorRequirement,
  twoFactorStatus,
  updateProfileName,
} from '@herald/core';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  Group,
  Image,
  List,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import QRCode from 'qrcode';
import { data, Form, useNavigation } from 'react-router';
import { getEnv } from '../env.server.ts';
import { db } from '../lib/db.server.ts';
import { readFormBody } from '../lib/form-body.server.ts';
import { requireSession } from '../lib/session.server.ts';
import type { Route } from './+types/_app.settings';

export const meta: Route.MetaFunction = () => [{ title: 'Settings · Herald' }];

type Section = 'profile' | 'password' | 'two-factor' | 'organization';
interface ActionResult {
  section: Section;
  error?: string;
  success?: string;
  /** Shown once, right after two-step sign-in is turned on. */
  recoveryCodes?: string[];
}

const twoFactorDeps = () => ({ db, tokenKey: getEnv().tokenKeys });

export async function loader(args: Route.LoaderArgs) {
  const session = requireSession(args);
  const status = await twoFactorStatus(twoFactorDeps(), session.userId);
  const pending = status.pending
    ? {
        secret: status.pending.secret,
        uri: status.pending.uri,
        // An SVG data URL: the CSP allows data: images, and nothing is fetched from elsewhere.
        qr: `data:image/svg+xml;base64,${Buffer.from(
          await QRCode.toString(status.pending.uri, { type: 'svg', margin: 1 }),
        ).toString('base64')}`,
      }
    : null;
  return {
    user: { name: session.user.name, email: session.user.email },
    organization: session.organization,
    isOwner: session.role === 'owner',
    mustEnroll: session.mustEnrollTwoFactor,
    twoFactor: {
      available: getEnv().tokenKeys !== undefined,
      enabled: status.enabled,
      enabledAt: status.enabledAt?.toISOString() ?? null,
      recoveryCodesLeft: status.recoveryCodesLeft,
      pending,
    },
  };
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

export async function action(args: Route.ActionArgs) {
  const session = requireSession(args);
  const body = await readFormBody(args.request);
  if (!body.ok) {
    return data<ActionResult>({ section: 'profile', error: body.message }, { status: body.status });
  }
  const form = body.form;
  const intent = text(form, 'intent');
  const section: Section =
    intent === 'name'
      ? 'profile'
      : intent === 'password'
        ? 'password'
        : intent === 'require-two-factor'
          ? 'organization'
          : 'two-factor';
  try {
    switch (intent) {
      case 'name':
        await updateProfileName(db, session.userId, text(form, 'name'));
        return { section, success: 'Your name is saved.' } satisfies ActionResult;
      case 'password': {
        if (text(form, 'newPassword') !== text(form, 'confirmPassword')) {
          throw new InvalidInputError('The two new passwords differ. Type the same one twice.');
        }
        const { otherSessionsEnded } = await changePassword(db, {
          userId: session.userId,
          currentPassword: text(form, 'currentPassword'),
          newPassword: text(form, 'newPassword'),
          keepSessionId: session.sessionId,
        });
        return {
          section,
          success:
            otherSessionsEnded > 0
              ? `Your password is changed. ${otherSessionsEnded} other ${otherSessionsEnded === 1 ? 'browser was' : 'browsers were'} signed out.`
              : 'Your password is changed.',
        } satisfies ActionResult;
      }
      case 'enroll':
        await beginTwoFactorEnrollment(twoFactorDeps(), session.userId);
        return { section } satisfies ActionResult;
      case 'confirm': {
        const { recoveryCodes } = await confirmTwoFactorEnrollment(
          twoFactorDeps(),
          session.userId,
          text(form, 'code'),
        );
        return {
          section,
          success: 'Two-step sign-in is on.',
          recoveryCodes,
        } satisfies ActionResult;
      }
      case 'disable':
        await disableTwoFactor(twoFactorDeps(), session.userId, {
          code: text(form, 'code'),
          password: text(form, 'password'),
        });
        return { section, success: 'Two-step sign-in is off.' } satisfies ActionResult;
      case 'require-two-factor':
        await setTwoFactorRequirement(db, session, form.get('required') === 'on');
        return { section, success: 'Saved.' } satisfies ActionResult;
      default:
        return data<ActionResult>(
          { section, error: 'This form is out of date. Reload the page.' },
          { status: 400 },
        );
    }
  } catch (error) {
    if (
      error instanceof InvalidInputError ||
      error instanceof ConflictError ||
      error instanceof ForbiddenError
    ) {
      const status =
        error instanceof ForbiddenError ? 403 : error instanceof ConflictError ? 409 : 400;
      return data<ActionResult>({ section, error: error.message }, { status });
    }
    throw error;
  }
}

function Feedback({ result, section }: { result: ActionResult | undefined; section: Section }) {
  if (!result || result.section !== section) return null;
  if (result.error) {
    return (
      <Alert color="red" role="alert">
        {result.error}
      </Alert>
    );
  }
  return result.success ? (
    <Alert color="green" role="status">
      {result.success}
    </Alert>
  ) : null;
}

export default function Settings({ loaderData, actionData }: Route.ComponentProps) {
  const { user, organization, isOwner, mustEnroll, twoFactor } = loaderData;
  const result = actionData;
  const busy = useNavigation().state === 'submitting';
  return (
    <Stack gap="lg" maw={760}>
      <Title order={1}>Settings</Title>
      {mustEnroll ? (
        <Alert color="orange" role="alert" title="Two-step sign-in required">
          {organization.name} requires two-step sign-in. Set it up below to continue.
        </Alert>
      ) : null}

      <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="two-factor-title">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={2} size="h3" id="two-factor-title">
              Two-step sign-in
            </Title>
            <Badge color={twoFactor.enabled ? 'green' : 'gray'}>
              {twoFactor.enabled ? 'On' : 'Off'}
            </Badge>
          </Group>
          <Feedback result={result} section="two-factor" />
          {result?.section === 'two-factor' && result.recoveryCodes ? (
            <Alert color="blue" title="Your recovery codes">
              <Text size="sm" mb="xs">
                Each code signs you in once if you lose your phone. Keep them somewhere safe: they
                are shown only now.
              </Text>
              <SimpleGrid cols={2} spacing={4} aria-label="Recovery codes" component="ul">
                {result.recoveryCodes.map((code) => (
                  <Code component="li" key={code} style={{ listStyle: 'none' }}>
                    {code}
                  </Code>
                ))}
              </SimpleGrid>
            </Alert>
          ) : null}
          {!twoFactor.available ? (
            <Text c="dimmed">
              Two-step sign-in is not available on this server (TOKEN_ENCRYPTION_KEY is not set).
            </Text>
          ) : twoFactor.enabled ? (
            <>
              <Text size="sm">
                You sign in with your password and a code from your authenticator app.{' '}
                {twoFactor.recoveryCodesLeft} recovery codes left.
              </Text>
              <Form method="post">
                <input type="hidden" name="intent" value="disable" />
                <Stack gap="xs">
                  <Text size="sm">To turn it off, enter a current code or your password.</Text>
                  <Group align="end">
                    <TextInput
                      name="code"
                      label="Code from your app"
                      autoComplete="one-time-code"
                    />
                    <PasswordInput
                      name="password"
                      label="Or your password"
                      autoComplete="current-password"
                    />
                    <Button type="submit" color="red" variant="light" loading={busy}>
                      Turn off
                    </Button>
                  </Group>
                </Stack>
              </Form>
            </>
          ) : twoFactor.pending ? (
            <>
              <List type="ordered" size="sm" spacing="xs">
                <List.Item>
                  Scan this QR code with an authenticator app, or enter the key by hand.
                </List.Item>
                <List.Item>Enter the six-digit code the app shows to turn it on.</List.Item>
              </List>
              <Group align="start">
                <Image
                  src={twoFactor.pending.qr}
                  alt="QR code for your authenticator app"
                  w={180}
                  h={180}
                />
                <Stack gap={4}>
                  <Text size="sm">Key</Text>
                  <Code data-testid="totp-secret" fz="md">
                    {twoFactor.pending.secret}
                  </Code>
                  <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                    {twoFactor.pending.uri}
                  </Text>
                </Stack>
              </Group>
              <Form method="post">
                <input type="hidden" name="intent" value="confirm" />
                <Group align="end">
                  <TextInput
                    name="code"
                    label="Code from your app"
                    autoComplete="one-time-code"
                    inputMode="numeric"
                    required
                  />
                  <Button type="submit" loading={busy}>
                    Turn on
                  </Button>
                </Group>
              </Form>
            </>
          ) : (
            <Form method="post">
              <input type="hidden" name="intent" value="enroll" />
              <Stack gap="xs" align="start">
                <Text size="sm">
                  After your password, ask for a code from an authenticator app on your phone.
                </Text>
                <Button type="submit" loading={busy}>
                  Set up two-step sign-in
                </Button>
              </Stack>
            </Form>
          )}
        </Stack>
      </Paper>

      <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="profile-title">
        <Form method="post">
          <input type="hidden" name="intent" value="name" />
          <Stack gap="sm">
            <Title order={2} size="h3" id="profile-title">
              Profile
            </Title>
            <Feedback result={result} section="profile" />
            <Text size="sm">Email: {user.email}</Text>
            <TextInput name="name" label="Name" defaultValue={user.name} required maxLength={100} />
            <Group>
              <Button type="submit" loading={busy}>
                Save name
              </Button>
            </Group>
          </Stack>
        </Form>
      </Paper>

      <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="password-title">
        <Form method="post">
          <input type="hidden" name="intent" value="password" />
          <Stack gap="sm">
            <Title order={2} size="h3" id="password-title">
              Password
            </Title>
            <Feedback result={result} section="password" />
            <PasswordInput
              name="currentPassword"
              label="Current password"
              autoComplete="current-password"
              required
            />
            <PasswordInput
              name="newPassword"
              label="New password"
              description="At least 12 characters. Your other browsers will be signed out."
              autoComplete="new-password"
              required
            />
            <PasswordInput
              name="confirmPassword"
              label="New password again"
              autoComplete="new-password"
              required
            />
            <Group>
              <Button type="submit" loading={busy}>
                Change password
              </Button>
            </Group>
          </Stack>
        </Form>
      </Paper>

      {isOwner ? (
        <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="org-title">
          <Form method="post">
            <input type="hidden" name="intent" value="require-two-factor" />
            <Stack gap="sm">
              <Title order={2} size="h3" id="org-title">
                {organization.name}: sign-in
              </Title>
              <Feedback result={result} section="organization" />
              <Checkbox
                name="required"
                label="Require two-step sign-in for every member"
                description="Members without it are asked to set it up before anything else."
                defaultChecked={organization.requireTwoFactor}
              />
              <Group>
                <Button type="submit" variant="default" loading={busy}>
                  Save
                </Button>
              </Group>
            </Stack>
          </Form>
        </Paper>
      ) : null}
    </Stack>
  );
}
