// Shown in the signed-in app until the person confirms their email address: what they cannot
// do yet (invite others, ADR 0037) and a way to get a new link (rate-limited by the server).
import { Alert, Button, Group, Text } from '@mantine/core';
import { trpc } from '../lib/trpc.ts';
import { summarizeError } from '../lib/trpc-errors.ts';

export function VerifyEmailBanner({ email }: { email: string }) {
  const resend = trpc.me.resendVerification.useMutation();
  const outcome = resend.data;
  return (
    <Alert
      color="yellow"
      title="Confirm your email address"
      role="region"
      aria-label="Email not confirmed"
      mb="md"
    >
      <Text size="sm">
        We sent a link to <strong>{email}</strong>. Until you follow it you can use Herald, but not
        invite others.
      </Text>
      <Group mt="xs" gap="sm">
        <Button
          size="xs"
          variant="default"
          loading={resend.isPending}
          onClick={() => resend.mutate()}
        >
          Resend the link
        </Button>
        <Text size="sm" role="status">
          {outcome?.outcome === 'sent'
            ? 'Sent. Check your inbox.'
            : outcome?.outcome === 'already_verified'
              ? 'Your email is already confirmed. Reload the page.'
              : outcome
                ? outcome.message
                : resend.error
                  ? summarizeError(resend.error).message
                  : ''}
        </Text>
      </Group>
    </Alert>
  );
}
