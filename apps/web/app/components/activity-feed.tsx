// Who did what to which post or account, newest first, with times on the viewer's clock.
import { Anchor, Pagination, Table, Text } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { LocalTime } from './local-time.tsx';

export interface ActivityItem {
  id: string;
  summary: string;
  createdAt: Date | string;
  actorName: string | null;
  clientId: string | null;
  clientName: string | null;
  accountHandle: string | null;
  link: string | null;
}

export function ActivityFeed({
  items,
  total,
  page,
  pageSize,
  showClient,
}: {
  items: ActivityItem[];
  total: number;
  page: number;
  pageSize: number;
  showClient: boolean;
}) {
  const [params, setParams] = useSearchParams();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (items.length === 0) {
    return <Text c="dimmed">Nothing has happened here yet.</Text>;
  }
  return (
    <>
      <Table.ScrollContainer minWidth={560}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
              {showClient ? <Table.Th>Client</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>
                  <Text size="sm">
                    <LocalTime value={item.createdAt} />
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={item.actorName ? undefined : 'dimmed'}>
                    {item.actorName ?? 'Herald'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {item.link ? (
                      <Anchor component={Link} to={item.link}>
                        {item.summary}
                      </Anchor>
                    ) : (
                      item.summary
                    )}
                    {item.accountHandle ? (
                      <Text span c="dimmed">
                        {' '}
                        · {item.accountHandle}
                      </Text>
                    ) : null}
                  </Text>
                </Table.Td>
                {showClient ? (
                  <Table.Td>
                    {item.clientId && item.clientName ? (
                      <Anchor component={Link} to={`/clients/${item.clientId}/activity`} size="sm">
                        {item.clientName}
                      </Anchor>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pages > 1 ? (
        <Pagination
          mt="md"
          total={pages}
          value={page}
          onChange={(next) => {
            const search = new URLSearchParams(params);
            search.set('page', String(next));
            setParams(search);
          }}
        />
      ) : null}
    </>
  );
}
