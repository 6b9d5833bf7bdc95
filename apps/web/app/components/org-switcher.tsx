// The organizations the signed-in person belongs to, the current one checked; choosing
// another posts to /switch-organization, which starts a session there and goes home.
import { Button, Menu, Text } from '@mantine/core';
import { useSubmit } from 'react-router';
import { trpc } from '../lib/trpc.ts';

export interface OrgSwitcherProps {
  /** The session's organization (from the layout's loader), shown before the list loads. */
  current: { id: string; name: string };
}

export function OrgSwitcher({ current }: OrgSwitcherProps) {
  const submit = useSubmit();
  const organizations = trpc.me.organizations.useQuery(undefined, { staleTime: 60_000 });
  const list = organizations.data ?? [];
  // One organization: nothing to switch to, so just its name.
  if (list.length < 2) {
    return (
      <Text fw={600} size="sm">
        {current.name}
      </Text>
    );
  }
  return (
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <Button variant="subtle" color="gray" aria-label={`Organization: ${current.name}. Switch`}>
          {current.name} ▾
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Switch organization</Menu.Label>
        {list.map((org) => {
          const isCurrent = org.id === current.id;
          return (
            <Menu.Item
              key={org.id}
              role="menuitemradio"
              aria-checked={isCurrent}
              leftSection={<span aria-hidden="true">{isCurrent ? '✓' : ''}</span>}
              onClick={() => {
                if (isCurrent) return;
                void submit(
                  { organizationId: org.id },
                  { method: 'post', action: '/switch-organization' },
                );
              }}
            >
              {org.name}
            </Menu.Item>
          );
        })}
      </Menu.Dropdown>
    </Menu>
  );
}
