// The shell of the platform staff pages. Outside the agency shell on purpose: a signed-out
// visitor gets the ordinary 404 here, not a sign-in redirect that would betray the page.
import { AppShell, Badge, Button, Group, Text } from '@mantine/core';
import { Form, Link, NavLink, Outlet } from 'react-router';
import { ColorSchemeToggle } from '../components/color-scheme-toggle.tsx';
import { requireStaffPage } from '../lib/admin.server.ts';
import { sessionMiddleware } from '../lib/session.server.ts';
import type { Route } from './+types/admin';

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

export async function loader(args: Route.LoaderArgs) {
  const session = await requireStaffPage(args);
  return { user: session.user };
}

export default function AdminLayout({ loaderData }: Route.ComponentProps) {
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Text component={Link} to="/" fw={750} fz="lg" c="herald.6" td="none">
              Herald
            </Text>
            <Badge color="grape" variant="light" tt="none">
              Platform staff
            </Badge>
            <Group component="nav" aria-label="Admin" gap={4}>
              <Button component={NavLink} to="/admin/queue" variant="subtle" size="compact-sm">
                Queue
              </Button>
            </Group>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ColorSchemeToggle />
            <Text size="sm" visibleFrom="sm">
              {loaderData.user.name}
            </Text>
            <Form method="post" action="/logout">
              <Button type="submit" variant="default" size="compact-sm">
                Sign out
              </Button>
            </Form>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main id="main">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
