import { Group, Text, Title } from '@mantine/core';

/** The top of every client-level page: the client's name and the timezone its times are in. */
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
