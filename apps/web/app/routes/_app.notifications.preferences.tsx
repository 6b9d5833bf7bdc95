// Which notifications the member also gets by email, kind by kind.
import { Anchor, Stack, Switch, Text, Title } from '@mantine/core';
import { isEmailedNotificationKind } from '@herald/core/domain';
import { Link } from 'react-router';
import { ApiError } from '../components/api-error.tsx';
import { trpc } from '../lib/trpc.ts';
import type { Route } from './+types/_app.notifications.preferences';

export const meta: Route.MetaFunction = () => [{ title: 'Email settings · Herald' }];

export default function NotificationPreferencesPage() {
  const utils = trpc.useUtils();
  const preferences = trpc.notifications.preferences.useQuery();
  const save = trpc.notifications.setPreference.useMutation({
    onSuccess: (next) => utils.notifications.preferences.setData(undefined, next),
  });
  const emailed = preferences.data?.filter((p) => p.emailed) ?? [];
  const inApp = preferences.data?.filter((p) => !p.emailed) ?? [];
  return (
    <Stack maw={640}>
      <Anchor component={Link} to="/notifications" size="sm">
        ← Notifications
      </Anchor>
      <Title order={1}>Email settings</Title>
      <Text c="dimmed">
        Everything shows in the app. Choose what also reaches you by email, in this organization.
      </Text>
      {preferences.error ? (
        <ApiError error={preferences.error} prefix="Could not load your settings: " />
      ) : null}
      {save.error ? <ApiError error={save.error} prefix="Could not save: " /> : null}
      {emailed.map((preference) => (
        <Switch
          key={preference.kind}
          label={preference.label}
          description={preference.description}
          checked={
            save.isPending && save.variables?.kind === preference.kind
              ? save.variables.sendEmail
              : preference.email
          }
          disabled={save.isPending}
          onChange={(event) => {
            if (isEmailedNotificationKind(preference.kind))
              save.mutate({ kind: preference.kind, sendEmail: event.currentTarget.checked });
          }}
        />
      ))}
      {inApp.length > 0 ? (
        <Stack gap={4}>
          <Title order={2} size="h4">
            In the app only
          </Title>
          <Text size="sm" c="dimmed">
            Herald does not email these; they appear under the bell.
          </Text>
          <ul>
            {inApp.map((preference) => (
              <li key={preference.kind}>
                <Text size="sm">
                  {preference.label}:{' '}
                  <Text span c="dimmed">
                    {preference.description}
                  </Text>
                </Text>
              </li>
            ))}
          </ul>
        </Stack>
      ) : null}
    </Stack>
  );
}
