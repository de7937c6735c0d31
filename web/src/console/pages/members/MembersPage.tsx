import { DownloadOutlined, UserAddOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { App, Button, Card, Flex, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, type Member, type Page } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { formatTime, showPhone } from '../../format.ts';
import { useStores } from '../../queries.ts';
import { type MemberFilter, MemberFilters } from './MemberFilters.tsx';
import { RegisterMemberDrawer } from './RegisterMemberDrawer.tsx';

const PAGE_SIZE = 50;

export default function MembersPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { nameOf } = useStores();
  const [params, setParams] = useSearchParams();
  const filter: MemberFilter = Object.fromEntries(params);
  const [registering, setRegistering] = useState(false);
  const list = useInfiniteQuery({
    queryKey: ['members', filter],
    queryFn: ({ pageParam }) =>
      api.get<Page<Member>>('/members', { ...filter, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const members = list.data?.pages.flatMap((p) => p.items) ?? [];
  const setFilter = (next: MemberFilter) =>
    setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v)) as never);
  const exportAs = (format: 'csv' | 'xlsx') =>
    api
      .download('/members/export', { ...filter, format }, `members.${format}`)
      .catch((e: Error) => message.error(e.message));

  const columns = [
    {
      title: t('members.cardNo'),
      dataIndex: 'card_no',
      render: (card: string, m: Member) => <Link to={`/members/${m.id}`}>{card}</Link>,
    },
    { title: t('members.name'), dataIndex: 'name', render: (v: string | null) => v ?? '—' },
    { title: t('members.phone'), dataIndex: 'phone', render: showPhone },
    {
      title: t('members.gender'),
      dataIndex: 'gender',
      render: (v: string) => t(`gender.${v}`),
    },
    { title: t('members.birthday'), dataIndex: 'birthday', render: (v: string | null) => v ?? '—' },
    {
      title: t('members.channel'),
      dataIndex: 'source_channel',
      render: (v: string) => t(`channel.${v}`, { defaultValue: v }),
    },
    { title: t('members.store'), dataIndex: 'home_store_id', render: nameOf },
    { title: t('members.registeredAt'), dataIndex: 'registered_at', render: formatTime },
  ];

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('members.title')}
        </Typography.Title>
        <Space>
          {can('members.export') && (
            <>
              <Button icon={<DownloadOutlined />} onClick={() => exportAs('csv')}>
                {t('members.exportCsv')}
              </Button>
              <Button icon={<DownloadOutlined />} onClick={() => exportAs('xlsx')}>
                {t('members.exportXlsx')}
              </Button>
            </>
          )}
          {can('members.write') && (
            <Button type="primary" icon={<UserAddOutlined />} onClick={() => setRegistering(true)}>
              {t('members.register')}
            </Button>
          )}
        </Space>
      </Flex>
      <MemberFilters value={filter} onChange={setFilter} />
      <Table<Member>
        style={{ marginTop: 16 }}
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={members}
        loading={list.isLoading}
        pagination={false}
        data-testid="members-table"
        footer={() => (
          <Flex justify="space-between" align="center">
            <Typography.Text type="secondary">
              {t('members.count', { count: members.length })}
            </Typography.Text>
            <Button
              onClick={() => list.fetchNextPage()}
              disabled={!list.hasNextPage}
              loading={list.isFetchingNextPage}
            >
              {list.hasNextPage ? t('common.loadMore') : t('common.noMore')}
            </Button>
          </Flex>
        )}
      />
      <RegisterMemberDrawer open={registering} onClose={() => setRegistering(false)} />
    </Card>
  );
}
