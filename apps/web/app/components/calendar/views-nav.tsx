import { Anchor, Group } from '@mantine/core';
import { NavLink } from 'react-router';

/** Between the calendar and the post list, of one client or of all of them. */
export function ViewsNav({ clientId }: { clientId?: string }) {
  const base = clientId ? `/clients/${clientId}` : '';
  return (
    <Group gap="md" mb="sm" component="nav" aria-label="Post views">
      {clientId ? (
        <Anchor component={NavLink} to={base} end>
          Compose
        </Anchor>
      ) : null}
      <Anchor component={NavLink} to={`${base}/calendar`}>
        Calendar
      </Anchor>
      <Anchor component={NavLink} to={`${base}/posts`}>
        All posts
      </Anchor>
    </Group>
  );
}
