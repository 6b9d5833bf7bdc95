// Minimal stand-in: the shell engineer owns this file and replaces it at merge.
import { Group, Text, Title } from '@mantine/core';

export function ClientHeader({
  client,
}: {
  client: { id: string; name: string; timezone: string };
}) {
  return (
    <Group justify="space-between" align="baseline" mb="md">
      <Title order={1}>{client.name}</Title>
      <Text size="sm" c="dimmed" title="This client's timezone">
        {client.timezone}
      </Text>
    </Group>
  );
}
