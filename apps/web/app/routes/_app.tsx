// The signed-in shell: every child route renders inside it, and its loader turns away
// anyone without a session. Its middleware resolves the session once for the whole request.
import { isPlatformStaff, listClients, roleAllows } from '@herald/core';
import {
  AppShell,
  Avatar,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { Form, Link, Outlet, redirect, useLocation } from 'react-router';
import { ColorSchemeToggle } from '../components/color-scheme-toggle.tsx';
import { VerifyEmailBanner } from '../components/verify-email-banner.tsx';
import { NotificationBell } from '../components/notification-bell.tsx';
import { OrgSwitcher } from '../components/org-switcher.tsx';
import { db } from '../lib/db.server.ts';
import { requireSession, sessionMiddleware } from '../lib/session.server.ts';
import type { Route } from './+types/_app';

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

export async function loader(args: Route.LoaderArgs) {
  const session = requireSession(args);
  // The organization requires two-step sign-in: setting it up comes before anything else.
  if (session.mustEnrollTwoFactor && new URL(args.request.url).pathname !== '/settings') {
    throw redirect('/settings');
  }
  const [clients, staff] = await Promise.all([
    listClients(db, session),
    isPlatformStaff(db, session.userId),
  ]);
  return {
    user: session.user,
    organization: session.organization,
    role: session.role,
    isPlatformStaff: staff,
    canManageClients: roleAllows(session.role, 'clients:manage'),
    clients: clients.map(({ id, name }) => ({ id, name })),
  };
}

/** The main sections, in the navbar's order. `end` marks sections matched exactly. */
const SECTIONS = [
  { to: '/', label: 'Clients', end: true },
  { to: '/calendar', label: 'Calendar' },
  { to: '/posts', label: 'Posts' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/notifications', label: 'Notifications' },
  { to: '/activity', label: 'Activity' },
  { to: '/settings/team', label: 'Team' },
] as const;

/** Past this many clients the list gets a search box. */
const SEARCH_CLIENTS_FROM = 8;

function isActive(pathname: string, to: string, end = false): boolean {
  if (end || to === '/') return pathname === to;
  return pathname === to || pathname.startsWith(`${to}/`);
}

export default function SignedInLayout({ loaderData }: Route.ComponentProps) {
  const {
    user,
    organization,
    clients,
    role,
    isPlatformStaff: staff,
    canManageClients,
  } = loaderData;
  // A client approver does not see the team (domain/permissions.ts).
  const sections = SECTIONS.filter((s) => role !== 'client_approver' || s.to !== '/settings/team');
  const [opened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  const [search, setSearch] = useState('');
  const query = search.trim().toLowerCase();
  const shown = query ? clients.filter((c) => c.name.toLowerCase().includes(query)) : clients;
  const activeClientId = /^\/clients\/([0-9a-f-]{36})/.exec(pathname)?.[1];

  // A link followed on a narrow screen closes the drawer-like navbar.
  const lastPath = useRef(pathname);
  useEffect(() => {
    if (lastPath.current !== pathname) close();
    lastPath.current = pathname;
  }, [pathname, close]);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Text component={Link} to="/" fw={750} fz="lg" c="herald.6" td="none">
              Herald
            </Text>
            <OrgSwitcher current={organization} />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NotificationBell />
            <ColorSchemeToggle />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label={`Account menu for ${user.name}`}>
                  <Group gap={8} wrap="nowrap">
                    <Avatar name={user.name} color="initials" size="sm" />
                    <Text size="sm" visibleFrom="sm">
                      {user.name}
                    </Text>
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{user.email}</Menu.Label>
                <Menu.Item component={Link} to="/settings">
                  Settings
                </Menu.Item>
                <Menu.Divider />
                <Form method="post" action="/logout">
                  <Menu.Item component="button" type="submit" color="red">
                    Sign out
                  </Menu.Item>
                </Form>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs">
        <AppShell.Section component="nav" aria-label="Main">
          {sections.map((section) => (
            <NavLink
              key={section.to}
              component={Link}
              to={section.to}
              label={section.label}
              active={isActive(pathname, section.to, 'end' in section)}
              aria-current={isActive(pathname, section.to, 'end' in section) ? 'page' : undefined}
            />
          ))}
          {staff ? (
            <NavLink
              component={Link}
              to="/admin"
              label="Admin"
              active={isActive(pathname, '/admin')}
            />
          ) : null}
        </AppShell.Section>
        <AppShell.Section grow component={ScrollArea} mt="sm">
          <Stack gap={4}>
            <Group justify="space-between" px="xs" wrap="nowrap">
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" id="nav-clients-heading">
                Clients
              </Text>
              {canManageClients ? (
                <Text component={Link} to="/clients/new" size="xs" c="herald.6">
                  New client
                </Text>
              ) : null}
            </Group>
            {clients.length >= SEARCH_CLIENTS_FROM ? (
              <TextInput
                size="xs"
                px="xs"
                type="search"
                aria-label="Search clients"
                placeholder="Search clients"
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
              />
            ) : null}
            <nav aria-label="Clients">
              {shown.map((client) => (
                <NavLink
                  key={client.id}
                  component={Link}
                  to={`/clients/${client.id}`}
                  label={client.name}
                  active={client.id === activeClientId}
                  aria-current={client.id === activeClientId ? 'page' : undefined}
                  variant="light"
                />
              ))}
              {clients.length === 0 ? (
                <Text size="sm" c="dimmed" px="xs">
                  No clients yet.
                </Text>
              ) : shown.length === 0 ? (
                <Text size="sm" c="dimmed" px="xs">
                  No client matches “{search.trim()}”.
                </Text>
              ) : null}
            </nav>
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main id="main">
        {user.emailVerified ? null : <VerifyEmailBanner email={user.email} />}
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
