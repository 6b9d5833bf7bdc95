// The top of every client-level page: its name and the timezone its posts are planned in.
// (Minimal version; the shell's owns this file.)
import { Group, Text, Title } from '@mantine/core';

interface Props {
  client: { id: string; name: string; timezone: string };
}

export function ClientHeader({ client }: Props) {
  return (
    <Group justify="space-between" align="baseline" mb="md">
      <Title order={1}>{client.name}</Title>
      <Text c="dimmed" title="This client's timezone">
        {client.timezone}
      </Text>
    </Group>
  );
}
