// The top of every client-level page: the client's name, its timezone (every time on these
// pages is in it), and the client's pages as tabs. The tabs are links; the URL says which is on.
import { Badge, Group, Stack, Tabs, Title } from '@mantine/core';
import { Link, useLocation } from 'react-router';

interface Props {
  client: { id: string; name: string; timezone: string };
}

const TABS = [
  // Tabs need a non-empty value: the client page's own is its name here, not its path.
  { path: '', label: 'Compose & posts' },
  { path: '/calendar', label: 'Calendar' },
  { path: '/posts', label: 'Posts' },
  { path: '/accounts', label: 'Accounts' },
  { path: '/activity', label: 'Activity' },
  { path: '/settings', label: 'Settings' },
] as const;

/** Which tab a path belongs to: the longest tab path it starts with (the client page otherwise). */
export function activeClientTab(pathname: string, clientId: string): string {
  const base = `/clients/${clientId}`;
  const rest = pathname.startsWith(base) ? pathname.slice(base.length) : '';
  const match = TABS.find(
    (tab) => tab.path && (rest === tab.path || rest.startsWith(`${tab.path}/`)),
  );
  return match?.path ?? '';
}

const tabValue = (path: string) => path || 'compose';

export function ClientHeader({ client }: Props) {
  const { pathname } = useLocation();
  const base = `/clients/${client.id}`;
  const active = activeClientTab(pathname, client.id);
  return (
    <Stack gap="sm" mb="lg">
      <Group gap="sm" align="center">
        <Title order={1} size="h2">
          {client.name}
        </Title>
        <Badge variant="light" color="gray" size="lg" tt="none" title="This client's timezone">
          {client.timezone}
        </Badge>
      </Group>
      <nav aria-label={`${client.name} pages`}>
        <Tabs value={tabValue(active)}>
          <Tabs.List>
            {TABS.map((tab) => (
              <Tabs.Tab
                key={tab.path}
                value={tabValue(tab.path)}
                renderRoot={(props) => (
                  <Link
                    {...props}
                    to={`${base}${tab.path}`}
                    aria-current={tab.path === active ? 'page' : undefined}
                  />
                )}
              >
                {tab.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </Tabs>
      </nav>
    </Stack>
  );
}
