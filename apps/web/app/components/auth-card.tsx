// The frame of the signed-out pages (sign-up, password reset, invitations): the wordmark, a
// title and one card, centred.
import { Container, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Container size={460} py="xl" component="main">
      <Stack gap="md">
        <Text fw={700} size="lg" aria-hidden="true">
          Herald
        </Text>
        <Paper withBorder shadow="sm" p="lg" radius="md">
          <Stack gap="md">
            <Title order={1} size="h2">
              {title}
            </Title>
            {children}
          </Stack>
        </Paper>
      </Stack>
    </Container>
  );
}
